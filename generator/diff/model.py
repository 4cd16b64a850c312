"""Findings and the report that holds them: what every comparer produces and every format reads."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .rules import LEVEL_RANK, LEVELS, Level, rule


@dataclass(frozen=True)
class Finding:
    """One change. `operation` is the first operationId it touches (all are in `operations`),
    `pointer` a JSON pointer into the schema (the new one; the old one for removals), `symbol`
    the Python name a user's code touches (`TasksApi.create`, `TaskRead.name`)."""

    id: str
    level: Level
    message: str
    operation: str = ""
    pointer: str = ""
    symbol: str = ""
    operations: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        return rule(self.id).scope

    @property
    def location(self) -> str:
        parts = [p for p in (self.operation, self.pointer) if p]
        extra = len(self.operations) - 1
        text = " ".join(parts)
        if extra > 0:
            text += f" (+{extra} operation{'s' if extra > 1 else ''})"
        return text

    def sort_key(self) -> tuple[Any, ...]:
        return (-LEVEL_RANK[self.level], self.scope, self.id, self.operation, self.pointer, self.symbol, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "level": self.level, "scope": self.scope, "message": self.message,
                "operation": self.operation, "operations": list(self.operations), "pointer": self.pointer,
                "symbol": self.symbol}


@dataclass
class Report:
    old: str
    new: str
    old_version: str = ""
    new_version: str = ""
    findings: list[Finding] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counter = Counter(f.level for f in self.findings)
        return {level: counter.get(level, 0) for level in LEVELS}

    def at_least(self, level: str) -> list[Finding]:
        return [f for f in self.findings if LEVEL_RANK[f.level] >= LEVEL_RANK[level]]

    def summary(self) -> str:
        counts = self.counts()
        total = sum(counts.values())
        return f"{total} finding{'s' if total != 1 else ''}: " + ", ".join(f"{counts[l]} {l}" for l in LEVELS)


class Collector:
    """Gathers findings; the same change reached from several operations becomes one finding
    listing them all (a component used by 40 operations is reported once)."""

    def __init__(self) -> None:
        self._ops: dict[tuple[str, str, str, str], list[str]] = {}
        self._recording: list[list[tuple[str, str, str, str]]] = []
        self.operation = ""

    def add(self, rule_id: str, message: str, pointer: str = "", symbol: str = "") -> None:
        key = (rule_id, pointer, symbol, message)
        rule(rule_id)  # unknown ids fail here, in tests
        ops = self._ops.setdefault(key, [])
        if self.operation and self.operation not in ops:
            ops.append(self.operation)
        if self._recording:
            self._recording[-1].append(key)

    def start(self) -> None:
        self._recording.append([])

    def stop(self) -> list[tuple[str, str, str, str]]:
        keys = self._recording.pop()
        if self._recording:
            self._recording[-1].extend(keys)
        return keys

    def replay(self, keys: list[tuple[str, str, str, str]]) -> None:
        """A memoized comparison reached again from another operation."""
        for key in keys:
            ops = self._ops[key]
            if self.operation and self.operation not in ops:
                ops.append(self.operation)
        if self._recording:
            self._recording[-1].extend(keys)

    def findings(self) -> list[Finding]:
        result = []
        for (rule_id, pointer, symbol, message), ops in self._ops.items():
            ordered = tuple(sorted(ops))
            result.append(Finding(rule_id, rule(rule_id).level, message, ordered[0] if ordered else "",
                                  pointer, symbol, ordered))
        return result
