"""Which agents exist and which one handles a thread."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AgentSpec:
    name: str
    system_prompt: str
    tools: tuple[str, ...] = field(default_factory=tuple)


class AgentRegistry:
    def __init__(self) -> None:
        self._agents: dict[str, AgentSpec] = {}

    def register(self, spec: AgentSpec) -> None:
        if spec.name in self._agents:
            raise ValueError(f"agent {spec.name!r} is registered twice")
        self._agents[spec.name] = spec

    def get(self, name: str) -> AgentSpec:
        return self._agents[name]

    def default(self) -> AgentSpec:
        return self._agents["assistant"]


def default_registry() -> AgentRegistry:
    registry = AgentRegistry()
    registry.register(AgentSpec("assistant", "You are a helpful assistant.", ("search", "summarize")))
    registry.register(AgentSpec("researcher", "Research before you answer.", ("search",)))
    return registry
