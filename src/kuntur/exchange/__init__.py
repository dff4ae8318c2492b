"""Data exchange with the systems around the joint command: the standards' formats (CoT
today) parsed and written here, on top of the domains whose records they carry."""
