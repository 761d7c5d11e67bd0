"""Training: the loops, one epoch of mini-batch steps, the optimisers and
schedules, the stopping record, the BLAS threads and the fit's snapshot.

Imports from ``_network`` only, never from ``_estimator``.
"""
