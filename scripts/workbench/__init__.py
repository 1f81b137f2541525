"""The editor's workbench: what the build offers an editor to check and decide with."""
