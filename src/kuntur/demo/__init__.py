"""The Lima demo scenario: a realistic, deterministic, clearly synthetic year of incidents."""
