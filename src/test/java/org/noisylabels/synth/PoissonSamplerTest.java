package org.noisylabels.synth;

import static org.junit.Assert.assertEquals;

import java.util.SplittableRandom;

import org.junit.Test;

public class PoissonSamplerTest {

	/** Mean and variance of 200000 draws match lambda (standard errors: mean sqrt(l/n), variance ~ l*sqrt(2/n)). */
	@Test
	public void meanAndVarianceEqualLambda() {
		final SplittableRandom rng = new SplittableRandom(11);
		for (final double lambda : new double[] { 0.5, 5, 29.9, 30, 100, 2500, 1e5 }) {
			final int n = 200000;
			double sum = 0, sum2 = 0;
			for (int i = 0; i < n; i++) {
				final long k = PoissonSampler.sample(rng, lambda);
				sum += k;
				sum2 += (double) k * k;
			}
			final double mean = sum / n, var = sum2 / n - mean * mean;
			assertEquals("mean at " + lambda, lambda, mean, 5 * Math.sqrt(lambda / n));
			assertEquals("variance at " + lambda, lambda, var, 6 * lambda * Math.sqrt(2.0 / n) + 1e-9);
		}
	}

	/** The probabilities of single counts match the Poisson law, on both sides of the method switch. */
	@Test
	public void probabilitiesMatchThePoissonLaw() {
		final SplittableRandom rng = new SplittableRandom(12);
		for (final double lambda : new double[] { 2, 40 }) {
			final int n = 400000;
			final int k0 = (int) lambda;
			int hits = 0, zero = 0;
			for (int i = 0; i < n; i++) {
				final long k = PoissonSampler.sample(rng, lambda);
				if (k == k0) hits++;
				if (k == 0) zero++;
			}
			final double p = Math.exp(-lambda + k0 * Math.log(lambda) - PoissonSampler.logFactorial(k0));
			assertEquals("P(" + k0 + ") at " + lambda, p, (double) hits / n, 5 * Math.sqrt(p / n));
			assertEquals(Math.exp(-lambda), (double) zero / n, 5 * Math.sqrt(Math.exp(-lambda) / n) + 1e-12);
		}
		assertEquals(0, PoissonSampler.sample(rng, 0));
	}

	@Test
	public void logFactorialIsAccurateAcrossTheTableEdge() {
		double exact = 0;
		for (int k = 1; k <= 1000; k++) {
			exact += Math.log(k);
			assertEquals("k=" + k, exact, PoissonSampler.logFactorial(k), 1e-9 * Math.max(1, exact));
		}
	}
}
