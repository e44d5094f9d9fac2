"""factory_boy factories for the suite's records, saved through the test's session."""
import factory
import pyotp
from factory.alchemy import SQLAlchemyModelFactory

from recruit.clock import utcnow
from recruit.extensions import db
from recruit.models import User
from recruit.services.accounts.passwords import hash_password

PASSWORD = "granite orchid lantern ninety-seven"
# Hashing with argon2 is slow by design; hash the shared test password once.
PASSWORD_HASH = hash_password(PASSWORD)


class UserFactory(SQLAlchemyModelFactory):
    class Meta:
        model = User
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731 - the session changes per test
        sqlalchemy_session_persistence = "commit"

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    role = "candidate"
    password_hash = PASSWORD_HASH

    class Params:
        two_factor = factory.Trait(
            totp_secret=factory.LazyFunction(pyotp.random_base32),
            totp_enabled_at=factory.LazyFunction(utcnow),
        )
