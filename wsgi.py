"""WSGI entry point: `gunicorn wsgi:app`."""

from recruit import create_app

app = create_app()
