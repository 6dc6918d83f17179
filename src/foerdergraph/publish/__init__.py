"""Publishing a build: the on-disk store (store), the dumps (dumps), VoID and DCAT (void)."""
