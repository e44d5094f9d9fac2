"""Competency frameworks, scoring scales and role profiles: the file formats, importing and exporting them,
the seed data, and the read-only catalogue behind the public guidance pages."""
