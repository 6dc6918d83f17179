"""The EU beneficiary lists (ERDF, ESF): parsing, amounts, beneficiary names."""
