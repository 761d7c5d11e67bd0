"""The network: boxes (each step and its derivative), blocks, the network
with its one flat parameter vector, the output losses, and the arrays a fitted
model keeps.

Imports nothing from ``_training`` or ``_estimator``.
"""
