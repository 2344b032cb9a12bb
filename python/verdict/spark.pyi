"""Type stubs for verdict.spark."""

import os
from typing import Optional, Union

from pyspark.sql import DataFrame

def decide(df: DataFrame, policy_path: Union[str, os.PathLike[str]], as_of: Optional[str] = None) -> DataFrame:
    """The decisions of every row of ``df`` as a Spark DataFrame (the ``decide_table`` columns)."""
