"""Type stubs for verdict.spark."""

import datetime
import os
from typing import Union

from pyspark.sql import DataFrame

def decide(df: DataFrame, policy_path: Union[str, os.PathLike[str]], as_of: Union[str, datetime.date, None] = None) -> DataFrame:
    """The decisions of every row of ``df`` as a Spark DataFrame (the ``decide_table`` columns)."""
