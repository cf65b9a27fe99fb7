package org.noisylabels;

import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

/** The bad-input rule in tests: an error is one line and names what is wrong. */
public final class Expect {

	private Expect() {}

	/** Runs {@code r}, which must throw a one-line {@link NoisyLabelsException} containing {@code part}. */
	public static void expect(final Runnable r, final String part) {
		try {
			r.run();
			fail("no error, expected one mentioning " + part);
		}
		catch (final NoisyLabelsException e) {
			assertTrue(e.getMessage(), e.getMessage().contains(part));
			assertFalse(e.getMessage(), e.getMessage().contains("\n"));
		}
	}
}
