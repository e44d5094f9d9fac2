"""What every benchmark needs: a throwaway database (a temporary SQLite file, or a temporary schema in the
PostgreSQL database named by DATABASE_URL, dropped afterwards) and a migrated, seeded app with an admin."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from recruit import create_app
from recruit.config import Config
from recruit.extensions import db
from recruit.models import User
from recruit.services.frameworks.seed import seed


@contextmanager
def throwaway_database(parser):
    """Yield (url, engine options) for a database that is gone when the block ends."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db", {}
        return
    if not url.startswith("postgresql"):
        parser.error("DATABASE_URL must be a PostgreSQL database (or unset, for a temporary SQLite one)")
    schema = f"bench_{secrets.token_hex(4)}"
    admin_engine = create_engine(url)
    with admin_engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield url, {"pool_pre_ping": True, "connect_args": {"options": f"-csearch_path={schema}"}}
    finally:
        with admin_engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin_engine.dispose()


@contextmanager
def seeded_app(url: str, engine_options: dict):
    """An app context on a migrated and seeded database, and an admin to act as."""
    # Emails stay queued, as in production, where the sender (not the request) sends them: a timing measures the
    # work a request does.
    app = create_app(
        Config,
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options,
        MAIL_SERVER=None,
        NOTIFY_API_KEY=None,
        NOTIFICATIONS_SEND_AFTER_COMMIT=False,
    )
    with app.app_context():
        print(f"Database: {db.engine.dialect.name}; migrating and seeding…", flush=True)
        upgrade()
        seed(app.config["SEEDS_DIR"])
        admin = User(email=f"admin.{secrets.token_hex(3)}@example.org", name="Bench Admin", role="admin")
        db.session.add(admin)
        db.session.commit()
        yield app, admin
