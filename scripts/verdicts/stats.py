"""stats.py - the statistics the report quotes: medians with a distribution-free
interval, the coefficient of variation, and exact rank and sign tests (the Mann-Whitney U
test that Google Benchmark's compare.py also uses, computed from the permutation
distribution so that small samples and ties get their exact p)."""
import functools
import math
import statistics

import numpy as np

NOISY_CV = 0.05


def sps():
    """scipy.stats, imported when a statistic first needs it: every script imports this
    module through results.py, and a command that refuses its arguments, or only reads
    names, starts in a fifth of the time without it (a third of a second each)."""
    from scipy import stats
    return stats

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
    j, k, coverage = interval_ranks(n, confidence)
    return med, xs[j], xs[k], coverage


@functools.lru_cache(maxsize=None)
def interval_ranks(n, confidence):
    """The ranks (0-based) and coverage of median_ci's interval for n values: they
    depend on n alone, and a report asks for thousands of intervals over a few n (the
    binomial's cdf, asked afresh each time, was half of a report's time)."""
    # Symmetric ranks j..n-1-j (0-based), the narrowest that still covers enough.
    for j in range(n // 2, -1, -1):
        k = n - 1 - j
        if k < j:
            continue
        # x(j) <= median <= x(k) (0-based ranks) when j < B <= k, B ~ Bin(n, 1/2)
        # counting the values below the median.
        coverage = float(sps().binom.cdf(k, n, 0.5) - sps().binom.cdf(j, n, 0.5))
        if coverage >= confidence:
            return j, k, coverage
    return 0, n - 1, 1 - 2 * 0.5 ** n


def cv(values):
    """Coefficient of variation (sample standard deviation over mean); 0 for one value."""
    if len(values) < 2:
        return 0.0
    mean = statistics.fmean(values)
    return statistics.stdev(values) / mean if mean else math.inf


def u_test(a, b):
    """Two-sided exact Mann-Whitney p-value of two samples (None if either has < 2)."""
    if len(a) < 2 or len(b) < 2:
        return None
    return rank_test(a, b, 1.0, "two-sided")


def rank_sum_counts(ranks2, n1):
    """How many ways each rank sum can come about: counts[s] is the number of the
    comb(len(ranks2), n1) subsets of n1 ranks whose sum is s. ranks2 are twice the
    pooled mid-ranks (integers), so ties keep their place. A subset-sum table, one pass
    per rank: the exact permutation distribution without listing the splits (scipy's
    permutation_test lists all 184,756 of 10 against 10, a second and a half a test)."""
    top = int(sum(sorted(ranks2)[-n1:])) if n1 else 0
    counts = np.zeros((n1 + 1, top + 1))
    counts[0, 0] = 1.0
    for r in ranks2:
        # subsets that take this rank: one more member, r more in the sum
        counts[1:, r:] += counts[:-1, :top + 1 - r].copy()
    return counts[n1]


def rank_test(a, b, factor=1.0, alternative="greater"):
    """p-value of the Mann-Whitney rank-sum statistic of a against factor * b, from the
    permutation distribution of the pooled ranks: exact, ties kept as mid-ranks (scipy's
    mannwhitneyu falls back to a normal approximation when values tie, which gives
    p = 0.004 for 5 identical counts against 5 others, below the exact floor of 0.0079).
    alternative "greater": a tends to exceed factor * b; "less": to fall short;
    "two-sided": either, twice the smaller one-sided p (as scipy's permutation_test).
    Scaling b by factor turns the test of a difference into a test against a ratio
    threshold (a is more than 1.5 times b) or a margin."""
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float) * factor
    ranks2 = np.rint(2 * sps().rankdata(np.concatenate([x, y]))).astype(int)
    counts = rank_sum_counts(ranks2, len(x))
    seen = int(ranks2[:len(x)].sum())
    total = counts.sum()
    greater = counts[seen:].sum() / total
    less = counts[:seen + 1].sum() / total
    if alternative == "greater":
        return float(greater)
    if alternative == "less":
        return float(less)
    return float(min(1.0, 2 * min(greater, less)))


def rank_test_min_p(n1, n2, alternative="greater"):
    """The smallest p the exact rank test can give for these sample sizes: every value of
    one sample beyond every value of the other."""
    if n1 < 1 or n2 < 1:
        return 1.0
    one = 1 / math.comb(n1 + n2, n1)
    return min(1.0, one if alternative != "two-sided" else 2 * one)


def sign_test(values, threshold, alternative="greater"):
    """Exact sign test of one sample against a fixed value: p that the values tend to lie
    above (alternative "greater") or below ("less") it. Values equal to it carry no sign
    and are dropped, as the sign test does."""
    above = sum(v > threshold for v in values)
    below = sum(v < threshold for v in values)
    if above + below == 0:
        return 1.0
    return float(sps().binomtest(above, above + below, 0.5, alternative=alternative).pvalue)


def sign_test_min_p(n):
    """The smallest one-sided p the sign test can give with n values (1 / 2^n)."""
    return 0.5 ** n if n else 1.0


def u_test_min_p(n1, n2):
    """The smallest two-sided p the exact U test can give for these sample sizes."""
    return rank_test_min_p(n1, n2, "two-sided")


def linregress(xs, ys):
    """Least-squares line through the points (scipy's linregress: slope, intercept,
    rvalue, ...)."""
    return sps().linregress(xs, ys)
