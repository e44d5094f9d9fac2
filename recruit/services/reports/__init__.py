"""The PDF reports: what each shows, charts, rendering HTML to tagged PDF, the versions kept, and
rendering large ones in the background."""
