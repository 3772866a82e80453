"""stats.py - the statistics the report quotes: medians with a distribution-free
interval, the coefficient of variation, and the Mann-Whitney U test that Google
Benchmark's compare.py also uses."""
import math
import statistics

from scipy import stats as sps

NOISY_CV = 0.05


def median_ci(values, confidence=0.95):
    """Median and an interval [x(j), x(k)] of order statistics that holds the true
    median with probability >= confidence, assuming nothing about the distribution
    (the number of values below the median is Binomial(n, 1/2)). Returns
    (median, lo, hi, coverage). With few values no interval reaches the confidence:
    then it is [min, max] and coverage says what it does reach (93.75% for n = 5)."""
    xs = sorted(values)
    n = len(xs)
    if n == 0:
        raise ValueError("median_ci of no values")
    med = statistics.median(xs)
    if n == 1:
        return med, xs[0], xs[0], 0.0
    best = None
    # Symmetric ranks j..n-1-j (0-based), the narrowest that still covers enough.
    for j in range(n // 2, -1, -1):
        k = n - 1 - j
        if k < j:
            continue
        # x(j) <= median <= x(k) (0-based ranks) when j < B <= k, B ~ Bin(n, 1/2)
        # counting the values below the median.
        coverage = float(sps.binom.cdf(k, n, 0.5) - sps.binom.cdf(j, n, 0.5))
        if coverage >= confidence:
            best = (med, xs[j], xs[k], coverage)
            break
    if best is None:
        coverage = 1 - 2 * 0.5 ** n
        best = (med, xs[0], xs[-1], coverage)
    return best


def cv(values):
    """Coefficient of variation (sample standard deviation over mean); 0 for one value."""
    if len(values) < 2:
        return 0.0
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else math.inf


def u_test(a, b):
    """Two-sided Mann-Whitney U p-value of two samples (None if either has < 2)."""
    if len(a) < 2 or len(b) < 2:
        return None
    return float(sps.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def u_test_min_p(n1, n2):
    """The smallest two-sided p the exact U test can give for these sample sizes: all
    of one sample below all of the other."""
    if n1 < 1 or n2 < 1:
        return 1.0
    return min(1.0, 2 / math.comb(n1 + n2, n1))


def linregress(xs, ys):
    """Least-squares line through the points (scipy's linregress: slope, intercept,
    rvalue, ...)."""
    return sps.linregress(xs, ys)
