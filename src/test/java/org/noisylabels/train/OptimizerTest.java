package org.noisylabels.train;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.junit.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

public class OptimizerTest {

	/** loss = (3w − 1)², dloss/dw = 6(3w − 1). */
	private static double grad(final double w) {
		return 6 * (3 * w - 1);
	}

	private static double[] runToy(final Optimizer.Config cfg, final double lr, final int steps) {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Variable<TFloat32> w = tf.withName("w").variable(tf.constant(new float[] { 0.5f }));
			final Operand<TFloat32> f = tf.math.sub(tf.math.mul(tf.identity(w), tf.constant(3f)), tf.constant(1f));
			final Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(f, f), tf.constant(0));
			final Optimizer opt = new Optimizer(tf, loss, Collections.singletonList(w), cfg, Collections.emptyList());
			final double[] ws = new double[steps];
			try (Session s = new Session(g)) {
				s.initialize();
				for (int i = 0; i < steps; i++) {
					final List<AutoCloseable> close = new ArrayList<>();
					final Session.Runner r = s.runner();
					opt.feed(r, close, i, lr);
					r.addTarget(opt.trainOp()).run().close();
					try (Result res = s.runner().fetch(w).run()) {
						final float[] v = new float[1];
						((TFloat32) res.get(0)).copyTo(DataBuffers.of(v, false, false));
						ws[i] = v[0];
					}
					for (final AutoCloseable c : close) ((TFloat32) c).close();
				}
			}
			return ws;
		}
	}

	@Test
	public void sgdWithMomentumAndWeightDecayMatchesHandComputation() {
		final Optimizer.Config cfg = new Optimizer.Config();
		cfg.type = Optimizer.Type.SGD;
		cfg.momentum = 0.9;
		cfg.weightDecay = 0.01;
		final double[] tfw = runToy(cfg, 0.1, 3);
		double w = 0.5, acc = 0;
		for (int i = 0; i < 3; i++) {
			final double g = grad(w) + 0.01 * w;
			acc = 0.9 * acc + g;
			w -= 0.1 * acc;
			assertEquals("step " + i, w, tfw[i], 1e-6);
		}
		// first step by hand: g = 3 + 0.005, w = 0.5 − 0.3005
		assertEquals(0.1995, tfw[0], 1e-6);
	}

	@Test
	public void adamMatchesHandComputation() {
		final Optimizer.Config cfg = new Optimizer.Config();
		cfg.weightDecay = 0;
		final double[] tfw = runToy(cfg, 0.05, 4);
		double w = 0.5, m = 0, v = 0;
		for (int t = 1; t <= 4; t++) {
			final double g = grad(w);
			m = 0.9 * m + 0.1 * g;
			v = 0.999 * v + 0.001 * g * g;
			final double lrT = 0.05 * Math.sqrt(1 - Math.pow(0.999, t)) / (1 - Math.pow(0.9, t));
			w -= lrT * m / (Math.sqrt(v) + 1e-8);
			assertEquals("step " + t, w, tfw[t - 1], 1e-5);
		}
		// Adam's first step moves by the learning rate: 0.5 − 0.05
		assertEquals(0.45, tfw[0], 1e-5);
	}

	@Test
	public void onlyTheChosenVariablesChange() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final UNet.Config c = UNetTest.tiny(2, 1);
			final UNet.Network a = UNet.build(tf, "a", c, 1), b = UNet.build(tf, "b", c, 2);
			final Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 8, 8, 1)));
			final UNet.Forward fa = a.forward(in, true);
			b.forward(in, false); // b is in the graph and reads the same input, but is not trained
			final Operand<TFloat32> loss = tf.math.mean(tf.nn.softmax(fa.logits(0)), tf.constant(new int[] { 0, 1, 2, 3 }));
			final Optimizer opt = new Optimizer(tf, tf.math.neg(loss), a.trainableVariables(), new Optimizer.Config(),
				fa.updates);
			try (Session s = new Session(g)) {
				s.initialize();
				final float[] beforeA = values(s, a.allVariables()), beforeB = values(s, b.allVariables());
				final float[] img = new float[2 * 64];
				for (int i = 0; i < img.length; i++) img[i] = (float) Math.cos(i * 0.3);
				for (int step = 0; step < 3; step++) {
					final List<AutoCloseable> close = new ArrayList<>();
					try (TFloat32 x = TFloat32.tensorOf(Shape.of(2, 8, 8, 1), DataBuffers.of(img, true, false))) {
						final Session.Runner r = s.runner().feed(in, x);
						opt.feed(r, close, step, 0.01);
						r.addTarget(opt.trainOp()).run().close();
					}
					for (final AutoCloseable t : close) ((TFloat32) t).close();
				}
				final float[] afterA = values(s, a.allVariables()), afterB = values(s, b.allVariables());
				assertTrue(Arrays.equals(beforeB, afterB));
				int changed = 0;
				for (int i = 0; i < afterA.length; i++)
					if (afterA[i] != beforeA[i]) changed++;
				assertTrue("changed " + changed + " of " + afterA.length, changed > afterA.length / 2);
			}
		}
	}

	static float[] values(final Session s, final List<Variable<TFloat32>> vars) {
		final List<Float> all = new ArrayList<>();
		for (final Variable<TFloat32> v : vars) {
			try (Result r = s.runner().fetch(v).run()) {
				final TFloat32 t = (TFloat32) r.get(0);
				final float[] a = new float[(int) t.shape().size()];
				t.copyTo(DataBuffers.of(a, false, false));
				for (final float f : a) all.add(f);
			}
		}
		final float[] out = new float[all.size()];
		for (int i = 0; i < out.length; i++) out[i] = all.get(i);
		return out;
	}

	@Test
	public void clippingScalesTheGradientToTheClipNormAndLeavesSmallGradientsAlone() {
		final Optimizer.Config cfg = new Optimizer.Config();
		cfg.type = Optimizer.Type.SGD;
		cfg.momentum = 0;
		cfg.weightDecay = 0.01;
		cfg.clipNorm = 0.6;
		final double[] tfw = runToy(cfg, 0.1, 4);
		double w = 0.5;
		int clipped = 0;
		for (int i = 0; i < 4; i++) {
			double g = grad(w);
			if (Math.abs(g) > 0.6) {
				g = 0.6 * Math.signum(g);
				clipped++;
			}
			w -= 0.1 * (g + 0.01 * w); // weight decay is added after clipping
			assertEquals("step " + i, w, tfw[i], 1e-6);
		}
		// |grad(0.5)| = 3: the first steps are clipped, the last ones (near w = 1/3) are not
		assertTrue(clipped >= 1 && clipped < 4);
	}

	@Test
	public void gradientNormIsTheGlobalNormOverAllVariables() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Variable<TFloat32> a = tf.withName("a").variable(tf.constant(new float[] { 1f, 2f }));
			final Variable<TFloat32> b = tf.withName("b").variable(tf.constant(3f));
			// loss = a0² + a1² + 2b: gradients (2, 4) and 2 -> norm sqrt(4 + 16 + 4)
			final Operand<TFloat32> loss = tf.math.add(tf.reduceSum(tf.math.mul(tf.identity(a), tf.identity(a)), tf.constant(
				0)), tf.math.mul(tf.identity(b), tf.constant(2f)));
			final Optimizer opt = new Optimizer(tf, loss, Arrays.asList(a, b), new Optimizer.Config(), Collections
				.emptyList());
			try (Session s = new Session(g)) {
				s.initialize();
				try (Result r = s.runner().fetch(opt.gradientNorm()).run()) {
					assertEquals(Math.sqrt(24), ((TFloat32) r.get(0)).getFloat(), 1e-5);
				}
			}
		}
	}

	/**
	 * Two variables with gradients of very different size: a (gradient 30 at a = 5, loss 3a²) and b
	 * (gradient 0.4 at b = 2, loss 0.1b²). One group clips both by the joint norm sqrt(30² + 0.4²), so b
	 * barely moves; two groups clip each by its own norm (b's 0.4 stays under clip_norm 1), and a group's
	 * learning-rate factor scales its step. Plain SGD (no momentum, no weight decay), values by hand.
	 */
	@Test
	public void groupsAreClippedOnTheirOwnAndLearnAtTheirOwnRate() {
		final double lr = 0.1, clip = 1;
		final double gA = 30, gB = 0.4, joint = Math.sqrt(gA * gA + gB * gB);
		// one group: both scaled by clip / joint
		float[] ab = runTwo(false, 1, lr, clip);
		assertEquals(5 - lr * gA * clip / joint, ab[0], 1e-5);
		assertEquals(2 - lr * gB * clip / joint, ab[1], 1e-5);
		// two groups: a by clip / 30, b unclipped; then b at half the learning rate
		ab = runTwo(true, 1, lr, clip);
		assertEquals(5 - lr * gA * clip / gA, ab[0], 1e-5);
		assertEquals(2 - lr * gB, ab[1], 1e-5);
		ab = runTwo(true, 0.5, lr, clip);
		assertEquals(5 - lr, ab[0], 1e-5);
		assertEquals(2 - 0.5 * lr * gB, ab[1], 1e-5);
	}

	private static float[] runTwo(final boolean twoGroups, final double factorB, final double lr, final double clip) {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Variable<TFloat32> a = tf.withName("a").variable(tf.constant(5f));
			final Variable<TFloat32> b = tf.withName("b").variable(tf.constant(2f));
			final Operand<TFloat32> loss = tf.math.add(tf.math.mul(tf.constant(3f), tf.math.mul(tf.identity(a), tf.identity(
				a))), tf.math.mul(tf.constant(0.1f), tf.math.mul(tf.identity(b), tf.identity(b))));
			final Optimizer.Config cfg = new Optimizer.Config();
			cfg.type = Optimizer.Type.SGD;
			cfg.momentum = 0;
			cfg.weightDecay = 0;
			cfg.clipNorm = clip;
			final List<Optimizer.Group> groups = twoGroups ? Arrays.asList(new Optimizer.Group(Collections.singletonList(a)),
				new Optimizer.Group(Collections.singletonList(b), factorB)) : Collections.singletonList(new Optimizer.Group(Arrays
					.asList(a, b)));
			final Optimizer opt = Optimizer.ofGroups(tf, loss, groups, cfg, Collections.emptyList());
			assertEquals(groups.size(), opt.groups());
			try (Session s = new Session(g)) {
				s.initialize();
				final List<AutoCloseable> close = new ArrayList<>();
				final Session.Runner r = s.runner();
				opt.feed(r, close, 0, lr);
				// the reported norm is over all variables, whatever the groups
				try (Result res = r.fetch(opt.gradientNorm()).addTarget(opt.trainOp()).run()) {
					assertEquals(Math.sqrt(30 * 30 + 0.4 * 0.4), ((TFloat32) res.get(0)).getFloat(), 1e-3);
				}
				for (final AutoCloseable c : close) ((TFloat32) c).close();
				try (Result res = s.runner().fetch(a).fetch(b).run()) {
					return new float[] { ((TFloat32) res.get(0)).getFloat(), ((TFloat32) res.get(1)).getFloat() };
				}
			}
		}
	}

	@Test(expected = IllegalArgumentException.class)
	public void aVariableInTwoGroupsIsRefused() {
		try (Graph g = new Graph()) {
			final Ops tf = Ops.create(g);
			final Variable<TFloat32> a = tf.withName("a").variable(tf.constant(5f));
			final Operand<TFloat32> loss = tf.math.mul(tf.identity(a), tf.identity(a));
			Optimizer.ofGroups(tf, loss, Arrays.asList(new Optimizer.Group(Collections.singletonList(a)), new Optimizer.Group(
				Collections.singletonList(a))), new Optimizer.Config(), Collections.emptyList());
		}
	}
}
