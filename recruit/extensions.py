"""Extension objects, created unbound and initialised in create_app."""

from typing import TYPE_CHECKING, Any

from flask import current_app
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic migrations are stable and reviewable on
# both SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. Flask-SQLAlchemy builds db.Model at run time from Base and its own mixins, and a type
# checker cannot take an attribute as a base class, so it is shown the same class written out.
if TYPE_CHECKING:
    import flask_sqlalchemy.model

    class Model(Base, flask_sqlalchemy.model.Model):
        __abstract__ = True
else:
    Model = db.Model

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
# The rendered public pages (recruit/public/page_cache.py).
page_cache = Cache()
# What the app's processes work out once for all of them (the moderation board's agreement figures on a large
# stage): in the page cache's Redis when it has one, else each process's own.
shared_cache = Cache()


def cached(cache: Cache, key: str, what: str) -> Any:
    """The value kept under `key`, or None: a cache out of reach (a shared Redis down) only means the caller works
    out `what` again, never an error page."""
    try:
        return cache.get(key)
    except Exception:
        current_app.logger.warning("The cache could not be read; %s was worked out again.", what, exc_info=True)
        return None


def keep(cache: Cache, key: str, value: Any, timeout: int | None = None) -> None:
    """Keep `value` under `key`; a cache out of reach keeps nothing, and the request goes on."""
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        current_app.logger.warning("The cache could not be written.", exc_info=True)
