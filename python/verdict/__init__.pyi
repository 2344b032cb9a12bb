"""Type stubs for verdict: credit-policy decisions for Python."""

import datetime
import os
from typing import Any, Dict, List, Mapping, Optional, Union

import pyarrow

__all__ = ["load", "Policy", "PolicyError"]

class PolicyError(Exception):
    """A policy that does not load; ``diagnostics`` lists every problem found."""

    diagnostics: List[Dict[str, Any]]
    """Dicts with ``file``, ``line``, ``column``, ``code``, ``message``, ``help``, ``severity``."""
    def __init__(self, message: str, diagnostics: List[Dict[str, Any]]) -> None: ...

class Policy:
    """A loaded, compiled policy."""

    @property
    def name(self) -> str:
        """The policy's name."""
    @property
    def version(self) -> str:
        """The policy's version."""
    @property
    def fingerprint(self) -> str:
        """``sha256:…`` over every file the decisions depend on."""
    def decide(self, snapshot: Mapping[str, Any], as_of: Union[str, datetime.date, None] = None) -> Dict[str, Any]:
        """One snapshot's decision, exactly as ``verdict eval`` writes it in JSON (an error record for a bad
        snapshot). A pandas row (``df.iloc[i]``, a ``Series``) is taken as its dict."""
    def decide_table(self, data: Any, as_of: Union[str, datetime.date, None] = None) -> pyarrow.Table:
        """Every row's decision as a ``pyarrow.Table``: id, outcome, until, limit (string), reasons, actions,
        fired, scores, arms, error_kind, error_message; one row per input row, in order."""
    def __reduce__(self) -> Any:
        """Pickles as the contents of every file it was loaded from, and its fingerprint."""

def load(path: Union[str, bytes, os.PathLike[str], os.PathLike[bytes]]) -> Policy:
    """Loads a policy; raises ``PolicyError`` with every diagnostic when it does not compile."""
