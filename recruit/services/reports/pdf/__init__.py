"""HTML to tagged PDF (PDF/UA-1) with WeasyPrint, fetching nothing but the app's own static files.

fetching: what a report may read (the app's static files and inline images, nothing else); rendering: one document
laid out in this process, or a long one as page ranges in forked processes; splitting: the HTML cut into those
ranges; joining: the ranges' PDFs made one tagged PDF, written object by object to a file (writing) so that a long
report's never has to be held whole; page_numbers: "Page X of Y" laid over the joined pages.
"""
