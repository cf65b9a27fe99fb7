package org.noisylabels.synth;

import java.util.SplittableRandom;

/**
 * Exact Poisson random numbers from a {@link SplittableRandom}: inversion by sequential search for small
 * means, and Hörmann's transformed rejection with squeeze (PTRS; W. Hörmann, "The transformed rejection
 * method for generating Poisson random variables", Insurance: Mathematics and Economics 12, 1993) for
 * means of 30 and more.
 */
public final class PoissonSampler {

	private static final double[] LOG_FACTORIAL = new double[256];

	static {
		for (int k = 2; k < LOG_FACTORIAL.length; k++) LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + StrictMath.log(k);
	}

	private PoissonSampler() {}

	/** A Poisson-distributed count with mean {@code lambda} (0 for lambda ≤ 0). */
	public static long sample(final SplittableRandom rng, final double lambda) {
		if (!(lambda > 0)) return 0;
		if (lambda < 30) return inversion(rng, lambda);
		return ptrs(rng, lambda);
	}

	private static long inversion(final SplittableRandom rng, final double lambda) {
		final double u = rng.nextDouble();
		double p = StrictMath.exp(-lambda), cdf = p;
		long k = 0;
		final long limit = (long) (lambda + 40 * Math.sqrt(lambda) + 40);
		while (u > cdf && k < limit) {
			k++;
			p *= lambda / k;
			cdf += p;
		}
		return k;
	}

	private static long ptrs(final SplittableRandom rng, final double lambda) {
		final double sq = Math.sqrt(lambda), logLambda = StrictMath.log(lambda);
		final double b = 0.931 + 2.53 * sq;
		final double a = -0.059 + 0.02483 * b;
		final double logInvAlpha = StrictMath.log(1.1239 + 1.1328 / (b - 3.4));
		final double vr = 0.9277 - 3.6224 / (b - 2);
		while (true) {
			final double u = rng.nextDouble() - 0.5;
			final double v = rng.nextDouble();
			final double us = 0.5 - Math.abs(u);
			final long k = (long) Math.floor((2 * a / us + b) * u + lambda + 0.43);
			if (us >= 0.07 && v <= vr) return k; // squeeze: accepted without the density
			if (k < 0 || us < 0.013 && v > us) continue;
			final double lhs = StrictMath.log(v) + logInvAlpha - StrictMath.log(a / (us * us) + b);
			if (lhs <= -lambda + k * logLambda - logFactorial(k)) return k;
		}
	}

	/** ln(k!) : a table below 256, Stirling's series above (error far below 1e-12 there). */
	static double logFactorial(final long k) {
		if (k < LOG_FACTORIAL.length) return LOG_FACTORIAL[(int) k];
		final double x = k, inv = 1 / x, inv2 = inv * inv;
		return x * StrictMath.log(x) - x + 0.5 * StrictMath.log(2 * Math.PI * x) + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 /
			1260));
	}
}
