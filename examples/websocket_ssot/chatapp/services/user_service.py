"""Users: lookup by id and by the token the browser presents."""

from __future__ import annotations

from dataclasses import dataclass

from chatapp.db.models import User
from chatapp.db.session import session_scope


@dataclass(frozen=True)
class CurrentUser:
    id: str
    email: str
    display_name: str


class UserService:
    def get(self, user_id: str) -> CurrentUser | None:
        with session_scope() as session:
            user = session.get(User, user_id)
            if user is None:
                return None
            return CurrentUser(user.id, user.email, user.display_name)

    def from_token(self, token: str) -> CurrentUser | None:
        """Resolve a session token (`<user id>.<signature>`) to its user."""
        user_id, _, signature = token.partition(".")
        if not signature:
            return None
        return self.get(user_id)
