"""Input shared by the ingest tests: a small registry the EU-list imports resolve against."""

REGISTRY = """
organisation:
  projekttraeger-etn-juelich:
    class: ProjectSponsor
    label: Projektträger ETN Jülich
call:
  regio-nrw-call-2014:
    class: FundingCall
    label: Projektaufruf Regio.NRW 2014
place:
  land-nrw:
    class: FederalState
    label: Nordrhein-Westfalen
    ags: "05"
"""
