"""The estimators: parameters and their rules, input and target checks, the
fit as a transaction, prediction, and the recipe (``recommended_params``).

Orchestrates ``_training`` and ``_network``; nothing below imports it.
"""
