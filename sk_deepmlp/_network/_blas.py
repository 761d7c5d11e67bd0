"""``np.matmul`` at ``np.dot``'s overhead, for the small products of prediction.

On a batch of a few rows a product takes about two microseconds, and
``np.matmul`` (a generalised ufunc: dtype resolution, an iterator over the
stacked dimensions) spends 0.3 to 0.5 of them more than the ``ndarray.dot``
method, which goes to BLAS directly. The two are interchangeable, bit for
bit, only where they make the same BLAS call, and ``matmul`` below uses
``dot`` only there:

- both operands of the result's dtype (no cast, which each makes differently),
  aligned and C-contiguous (no copy; ``np.dot`` copies what BLAS cannot read,
  ``np.matmul`` copies or loops in its own order, depending on the version);
- ``A`` with more than one column, so that neither operand is a "scalar" or a
  "row" of shape ``(1, n)``, which ``np.dot`` multiplies by other routes.

Then both call, with the same arguments:

- ``gemm(RowMajor, NoTrans, NoTrans, m, p, n, 1, A, n, B, p, 0, C, p)`` when
  ``A`` has several rows and ``B`` several columns (neither may take ``syrk``,
  which needs one operand transposed);
- ``gemv`` when ``A`` has one row or ``B`` one column (or is 1-D): the same
  call, or a row-major call and its column-major transpose, which CBLAS
  itself turns into the other before computing anything;
- the dot product ``?dot`` when both hold.

``tests/test_predict_fast_path.py`` checks the equality over shapes, dtypes
and layouts.
"""

import numpy as np

from ._activations import constant_row


def matmul(A, B, dtype):
    """``np.matmul(A, B, dtype=dtype)`` for 2-D ``A`` and ``B``."""
    # carray: C-contiguous, aligned (and writeable, which costs nothing to ask
    # with the rest: a read-only input merely takes np.matmul)
    if (
        A.dtype == dtype
        and B.dtype == dtype
        and A.shape[1] > 1
        and A.flags.carray
        and B.flags.carray
    ):
        return A.dot(B)  # the method: np.dot is a Python-level dispatcher first
    return np.matmul(A, B, dtype=dtype)


def row_sums(Z):
    """``Z.sum(axis=1)`` as a product with a vector of ones (``np.matmul``'s
    bits): BLAS beats a ufunc reduction over short rows."""
    ones = constant_row(1, Z.shape[1], Z.dtype)  # read-only, so not "carray"
    if Z.shape[1] > 1 and Z.flags.carray:
        return Z.dot(ones)
    return np.matmul(Z, ones)
