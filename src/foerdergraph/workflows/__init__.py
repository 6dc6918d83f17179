"""Where the stages meet: the build, one document validated against the last build, an EU list
imported, a draft ingested. Each function here calls several stages; no stage calls these."""
