"""Reading new documents: German information extraction with evidence.

`extract_text` / `extract_file` (in `pipeline`) turn one German press text into candidate facts:
organisations with a type, persons with post and organisation, programmes, projects, funding
sources, regions and relations, each with character offsets into the text it read. Nothing here
downloads models: recognition is rules (patterns.py, recognise.py) plus the project's own registry
as a gazetteer (gazetteer.py), and entity resolution links mentions to existing IRIs (resolve.py).
"""

from __future__ import annotations
