"""The `search` tool: full-text search over the user's earlier threads."""

from __future__ import annotations

from typing import Any

from chatapp.db.repositories import MessageRepository, ThreadRepository
from chatapp.db.session import session_scope


class SearchTool:
    name = "search"
    description = "Find earlier messages of this user that mention the query."

    def __init__(self, user_id: str) -> None:
        self.user_id = user_id

    def run(self, arguments: dict[str, Any]) -> list[dict[str, str]]:
        query = str(arguments["query"]).lower()
        hits: list[dict[str, str]] = []
        with session_scope() as session:
            for thread in ThreadRepository(session).for_owner(self.user_id):
                for message in MessageRepository(session).history(thread.id):
                    if query in message.content.lower():
                        hits.append({"thread_id": thread.id, "message_id": message.id,
                                     "excerpt": message.content[:200]})
        return hits[:20]
