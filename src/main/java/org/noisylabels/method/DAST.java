package org.noisylabels.method;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.train.PredictionGraph;
import org.noisylabels.train.StepContext;
import org.noisylabels.train.StepGraph;
import org.noisylabels.train.UNet;
import org.scijava.plugin.Parameter;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * DAST, divergence-aware selective training (Yang et al., JBHI 2022; PyMIC's {@code nll_dast.py};
 * algorithms.md §3). One U-Net with two output heads, head 0 for clean labels and head 1 for noisy
 * labels, and two data streams per step: stream 0 the (large) set with noisy labels, {@code batch_size}
 * patches, and stream 1 the (small) set with clean labels, {@code dast_clean_batch_size} patches. Both
 * batches go through the network as one batch (as PyMIC: batch statistics over both).
 * <p>
 * The step's loss:
 * <ul>
 * <li>supervised: ½[CE(clean head on the clean batch) + CE(noisy head on the noisy batch)];</li>
 * <li>on the noisy batch, without gradient: S = ½[KL(p_c‖p_n) + KL(p_n‖p_c)] per pixel (logs of p + 1e-16),
 * w = exp(−16 S), score_noisy = mean(CE(clean head)·w), score_clean = mean(CE(noisy head)·w) (PyMIC's
 * {@code loss_n}, {@code loss_c}; CE with p clamped to 0.999p + 5e-4);</li>
 * <li>each score goes into its FIFO of length L = {@code dast_rank_length} ({@link RankQueue}); while a
 * queue holds fewer than L values the new value's rank is −1, then it is the newest value's position in
 * the ascending order of the last L values (0 = smallest);</li>
 * <li>when score_noisy &lt; score_clean: if rank_clean ≥ L(1 − {@code dast_select_ratio}), add
 * {@code dast_dbc_w}·ramp·mean ½[KL(sg(p_c)‖p_n) + KL(sg(p_n)‖p_c)] (divergence boundary: each head pulled
 * towards the other); if rank_noisy ≤ L·{@code dast_select_ratio}, add {@code dast_st_w}·ramp·mean over
 * pixels and classes of |p_c − sharpen(pseudo)| (self-training), pseudo = (onehot(argmax p_c) +
 * onehot(argmax p_n) + y)/3, sharpen(p) = p²/(p² + (1 − p)²). As in PyMIC, rank −1 (queue not yet full)
 * allows self-training and never the divergence term;</li>
 * <li>ramp = exp(−5(1 − t)²), t = (clip(it, rampup_start, rampup_end) − rampup_start)/(rampup_end −
 * rampup_start), at every iteration (PyMIC updates it once per {@code iter_valid} iterations).</li>
 * </ul>
 * Means over pixels are weighted by the pixel weights (ignored pixels and patch padding do not count);
 * with all weights 1 they are PyMIC's plain means. Apply Model uses the clean head.
 * <p>
 * How the rank reaches the same step: the Java queues are fed before the step (the newest L − 1 values and
 * whether the queue is full), the graph ranks this step's score against them (a value that equals an
 * older one ranks above it, the order of a stable sort), and after the step the fetched scores enter the
 * queues. {@link #stats()} counts the steps and checks that the graph's ranks equal the queues'.
 * <p>
 * The queues are not saved with a model: a resumed run starts them empty.
 */
@Plugin(type = NoisyLabelMethod.class, name = DAST.NAME, label = "DAST", visible = false)
public class DAST extends AbstractNoisyLabelMethod {

	public static final String NAME = "dast";
	/** The data streams: the noisy set (the training data) and the clean set. */
	public static final int NOISY = 0, CLEAN = 1;
	/** The heads: head 0 learns the clean labels (Apply Model uses it), head 1 the noisy ones. */
	public static final int CLEAN_HEAD = 0, NOISY_HEAD = 1;
	/** Added inside the logs of the KL divergences (PyMIC's 1e-16). */
	public static final float KL_EPS = 1e-16f;
	/** w = exp(−DIVERGENCE_SCALE·S). */
	public static final float DIVERGENCE_SCALE = 16f;

	static final String QUEUE_NOISY = "dast_queue_noisy", QUEUE_CLEAN = "dast_queue_clean", RANKED = "dast_ranked",
		RAMP = "dast_ramp";
	/**
	 * The name of the vector fetched after every step ({@link StepContext#fetched}): score_noisy, score_clean,
	 * rank_noisy, rank_clean, divergence term on (1/0), self-training term on (1/0).
	 */
	public static final String FETCH = "dast";

	@Parameter(label = "Clean batch size", min = "1", max = "1024", persist = false,
		description = "Patches of the clean set per step (PyMIC's train_batch_size; the noisy set takes batch_size, PyMIC's train_batch_size_noise)")
	public int dast_clean_batch_size = 4;

	@Parameter(label = "Rank length", min = "2", max = "100000", persist = false,
		description = "Length L of the FIFO queues of the two scores whose ranks select the steps of the extra terms (PyMIC 20)")
	public int dast_rank_length = 20;

	@Parameter(label = "Select ratio", min = "0", max = "1", stepSize = "0.01", persist = false,
		description = "Divergence term when the clean score ranks >= L(1 - ratio), self-training when the noisy score ranks <= L*ratio (PyMIC 0.2)")
	public double dast_select_ratio = 0.2;

	@Parameter(label = "Divergence weight", min = "0", max = "100", stepSize = "0.01", persist = false,
		description = "Weight of the divergence-boundary term (symmetric KL between the heads), times the ramp (PyMIC 0.1)")
	public double dast_dbc_w = 0.1;

	@Parameter(label = "Self-training weight", min = "0", max = "100", stepSize = "0.01", persist = false,
		description = "Weight of the self-training term (clean head vs sharpened pseudo label), times the ramp (PyMIC 0.1)")
	public double dast_st_w = 0.1;

	@Parameter(label = "Ramp-up start", min = "0", max = "100000000", persist = false,
		description = "Iteration where the ramp exp(-5(1-t)^2) of both terms starts rising (PyMIC's example 1000)")
	public long rampup_start = 1000;

	@Parameter(label = "Ramp-up end", min = "0", max = "100000000", persist = false,
		description = "Iteration where the ramp reaches 1 (PyMIC's example 8000; about half of iterations for short runs)")
	public long rampup_end = 8000;

	private RankQueue noisyQueue, cleanQueue;
	private Stats stats = new Stats();

	@Override
	public String methodName() {
		return NAME;
	}

	@Override
	public void validate() {
		super.validate(); // the declared ranges
		if (rampup_start < 0) throw new NoisyLabelsException("rampup_start=" + rampup_start + " must be at least 0");
		if (rampup_end < rampup_start) throw new NoisyLabelsException("rampup_end=" + rampup_end +
			" must be at least rampup_start (" + rampup_start + ")");
	}

	@Override
	public int heads() {
		return 2;
	}

	@Override
	public int streams() {
		return 2;
	}

	@Override
	public int batchSize(final int stream, final int configured) {
		return stream == CLEAN ? dast_clean_batch_size : configured;
	}

	/** The smallest rank of the clean score that adds the divergence term: ⌈L(1 − ratio)⌉. */
	public int dbcMinRank() {
		return (int) Math.ceil(dast_rank_length * (1 - dast_select_ratio));
	}

	/** The largest rank of the noisy score that adds the self-training term: ⌊L·ratio⌋. */
	public int stMaxRank() {
		return (int) Math.floor(dast_rank_length * dast_select_ratio);
	}

	/** The ramp at iteration {@code it}. */
	public double ramp(final long it) {
		return SmallLoss.rampUp(it, rampup_start, rampup_end, true);
	}

	/** What happened in the steps of the current (or last) training run. */
	public Stats stats() {
		return stats;
	}

	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		validate();
		final Ops tf = g.tf();
		noisyQueue = new RankQueue(dast_rank_length);
		cleanQueue = new RankQueue(dast_rank_length);
		stats = new Stats();
		// one forward pass over [clean batch; noisy batch]; each part is selected by its pixel weights
		final Operand<TInt32> batchAxis = tf.constant(0);
		final UNet.Forward f = g.forward(g.network(0), tf.concat(Arrays.asList(g.image(CLEAN), g.image(NOISY)),
			batchAxis), true);
		final Operand<TFloat32> y = tf.concat(Arrays.asList(g.target(CLEAN), g.target(NOISY)), batchAxis);
		final Operand<TFloat32> wClean = tf.concat(Arrays.asList(g.weight(CLEAN), tf.zerosLike(g.weight(NOISY))),
			batchAxis);
		final Operand<TFloat32> wNoisy = tf.concat(Arrays.asList(tf.zerosLike(g.weight(CLEAN)), g.weight(NOISY)),
			batchAxis);
		final Operand<TFloat32> pClean = f.probabilities(CLEAN_HEAD), pNoisy = f.probabilities(NOISY_HEAD);
		final Operand<TFloat32> supervised = tf.math.mul(tf.constant(0.5f), tf.math.add(Losses.loss(tf, LossType.CE,
			null, pClean, y, wClean, null), Losses.loss(tf, LossType.CE, null, pNoisy, y, wNoisy, null)));
		final float[] empty = new float[dast_rank_length - 1];
		final Terms t = terms(tf, pClean, pNoisy, y, wNoisy, g.feed(QUEUE_NOISY, empty, empty.length), g.feed(
			QUEUE_CLEAN, empty, empty.length), g.scalar(RANKED, 0f), g.scalar(RAMP, 0f));
		g.fetch(FETCH, tf.stack(Arrays.asList(t.scoreNoisy, t.scoreClean, t.rankNoisy, t.rankClean, t.dbcOn, t.stOn)));
		return tf.math.add(supervised, t.extra);
	}

	/** The graph ops of DAST's selection and extra terms on the noisy batch (see {@link #terms}). */
	public static final class Terms {

		/** S per pixel [N,H,W] and w = exp(−16 S), outside the gradient. */
		public Operand<TFloat32> divergence, weight;
		/** The two scores (scalars, outside the gradient). */
		public Operand<TFloat32> scoreNoisy, scoreClean;
		/** The scores' ranks against the fed queues (scalars; −1 while the queues fill). */
		public Operand<TFloat32> rankNoisy, rankClean;
		/** 1 when the divergence (self-training) term is added in this step, else 0. */
		public Operand<TFloat32> dbcOn, stOn;
		/** The divergence-boundary and self-training terms before their weights. */
		public Operand<TFloat32> dbc, st;
		/** The sharpened pseudo label [N,H,W,C] (outside the gradient). */
		public Operand<TFloat32> sharpenedPseudo;
		/** ramp·(dast_dbc_w·dbcOn·dbc + dast_st_w·stOn·st). */
		public Operand<TFloat32> extra;
	}

	/**
	 * DAST's terms on the noisy batch, with this method's keys.
	 *
	 * @param pClean clean head's probabilities [N,H,W,C]
	 * @param pNoisy noisy head's probabilities [N,H,W,C]
	 * @param y one-hot noisy labels [N,H,W,C]
	 * @param w pixel weights [N,H,W,1] (0 = not in the noisy batch, ignored, padding)
	 * @param queueNoisy the newest L − 1 noisy scores [L−1] (meaningful when {@code ranked} is 1)
	 * @param queueClean the newest L − 1 clean scores [L−1]
	 * @param ranked 1 when the queues hold L values (this step's scores get a rank), else 0
	 * @param ramp the ramp at this step
	 */
	public Terms terms(final Ops tf, final Operand<TFloat32> pClean, final Operand<TFloat32> pNoisy,
		final Operand<TFloat32> y, final Operand<TFloat32> w, final Operand<TFloat32> queueNoisy,
		final Operand<TFloat32> queueClean, final Operand<TFloat32> ranked, final Operand<TFloat32> ramp)
	{
		final Terms t = new Terms();
		final Operand<TFloat32> pc = tf.stopGradient(pClean), pn = tf.stopGradient(pNoisy);
		t.divergence = tf.math.mul(tf.constant(0.5f), tf.math.add(kl(tf, pn, pc), kl(tf, pc, pn)));
		t.weight = tf.math.exp(tf.math.mul(tf.constant(-DIVERGENCE_SCALE), t.divergence));
		t.scoreNoisy = tf.stopGradient(Losses.weightedMean(tf, tf.math.mul(Losses.pixelCE(tf, pc, y), t.weight), w));
		t.scoreClean = tf.stopGradient(Losses.weightedMean(tf, tf.math.mul(Losses.pixelCE(tf, pn, y), t.weight), w));
		t.rankNoisy = rank(tf, queueNoisy, t.scoreNoisy, ranked);
		t.rankClean = rank(tf, queueClean, t.scoreClean, ranked);
		final Operand<TFloat32> noisyBelow = step(tf, tf.math.less(t.scoreNoisy, t.scoreClean));
		t.dbcOn = tf.math.mul(noisyBelow, step(tf, tf.math.greaterEqual(t.rankClean, tf.constant((float) dbcMinRank()))));
		t.stOn = tf.math.mul(noisyBelow, step(tf, tf.math.lessEqual(t.rankNoisy, tf.constant((float) stMaxRank()))));
		// divergence boundary: each head pulled towards the other, held fixed
		t.dbc = Losses.weightedMean(tf, tf.math.mul(tf.constant(0.5f), tf.math.add(kl(tf, pNoisy, pc), kl(tf, pClean,
			pn))), w);
		// self-training: the clean head against the sharpened mean of both heads' argmax and the label
		final int c = (int) pClean.shape().size(3);
		final Operand<TFloat32> pseudo = tf.math.div(tf.math.add(tf.math.add(oneHotArgmax(tf, pc, c), oneHotArgmax(tf,
			pn, c)), y), tf.constant(3f));
		t.sharpenedPseudo = tf.stopGradient(sharpen(tf, pseudo));
		final Operand<TFloat32> absDiff = tf.math.mean(tf.math.abs(tf.math.sub(pClean, t.sharpenedPseudo)), tf
			.constant(3));
		t.st = Losses.weightedMean(tf, absDiff, w);
		t.extra = tf.math.mul(ramp, tf.math.add(tf.math.mul(tf.constant((float) dast_dbc_w), tf.math.mul(t.dbcOn, t.dbc)),
			tf.math.mul(tf.constant((float) dast_st_w), tf.math.mul(t.stOn, t.st))));
		return t;
	}

	/** KL(target‖input) per pixel [N,H,W]: Σ_c target·(log(target + 1e-16) − log(input + 1e-16)). */
	static Operand<TFloat32> kl(final Ops tf, final Operand<TFloat32> input, final Operand<TFloat32> target) {
		final Operand<TFloat32> eps = tf.constant(KL_EPS);
		return tf.reduceSum(tf.math.mul(target, tf.math.sub(tf.math.log(tf.math.add(target, eps)), tf.math.log(tf.math
			.add(input, eps)))), tf.constant(3));
	}

	/** p²/(p² + (1 − p)²), elementwise (PyMIC's sharpening with temperature 0.5). */
	public static Operand<TFloat32> sharpen(final Ops tf, final Operand<TFloat32> p) {
		final Operand<TFloat32> a = tf.math.square(p), b = tf.math.square(tf.math.sub(tf.constant(1f), p));
		return tf.math.div(a, tf.math.add(a, b));
	}

	/** The same sharpening in Java. */
	public static double sharpen(final double p) {
		return p * p / (p * p + (1 - p) * (1 - p));
	}

	/**
	 * The rank of {@code value} among {@code queue} (the L − 1 values before it), as {@link RankQueue#add}
	 * gives it: the number of queued values ≤ value when {@code ranked} is 1, else −1.
	 */
	public static Operand<TFloat32> rank(final Ops tf, final Operand<TFloat32> queue, final Operand<TFloat32> value,
		final Operand<TFloat32> ranked)
	{
		final Operand<TFloat32> below = tf.reduceSum(step(tf, tf.math.lessEqual(queue, value)), tf.constant(0));
		return tf.math.sub(tf.math.mul(ranked, tf.math.add(below, tf.constant(1f))), tf.constant(1f));
	}

	private static Operand<TFloat32> step(final Ops tf, final Operand<org.tensorflow.types.TBool> condition) {
		return tf.dtypes.cast(condition, TFloat32.class);
	}

	private static Operand<TFloat32> oneHotArgmax(final Ops tf, final Operand<TFloat32> p, final int classes) {
		return tf.oneHot(tf.math.argMax(p, tf.constant(3), TInt32.class), tf.constant(classes), tf.constant(1f), tf
			.constant(0f));
	}

	@Override
	public void beforeStep(final StepContext context) {
		context.setScalar(RAMP, ramp(context.step()));
		context.setScalar(RANKED, noisyQueue.full() ? 1 : 0);
		context.feed(QUEUE_NOISY, noisyQueue.recent());
		context.feed(QUEUE_CLEAN, cleanQueue.recent());
	}

	@Override
	public void afterStep(final StepContext context, final double loss) {
		final float[] v = context.fetched(FETCH);
		final int rn = noisyQueue.add(v[0]), rc = cleanQueue.add(v[1]);
		stats.steps++;
		if (rn >= 0) stats.rankedSteps++;
		if (v[0] < v[1]) stats.noisyBelowClean++;
		if (v[4] > 0) stats.dbcSteps++;
		if (v[5] > 0) stats.stSteps++;
		final boolean dbc = v[0] < v[1] && rc >= dbcMinRank(), st = v[0] < v[1] && rn <= stMaxRank();
		if (rn != v[2] || rc != v[3] || dbc != v[4] > 0 || st != v[5] > 0) stats.mismatches++;
	}

	@Override
	public Operand<TFloat32> prediction(final PredictionGraph g) {
		return g.forward(0).probabilities(CLEAN_HEAD);
	}

	@Override
	public String toString() {
		return String.format(Locale.ROOT,
			"%s (clean batch %d, rank length %d, select ratio %s, dbc_w %s, st_w %s, ramp-up %d-%d)", NAME,
			dast_clean_batch_size, dast_rank_length, Check.fmt(dast_select_ratio), Check.fmt(dast_dbc_w), Check.fmt(
				dast_st_w), rampup_start, rampup_end);
	}

	/** Counts over the steps of a training run. */
	public static final class Stats {

		/** Steps run; steps whose scores got a rank (queues full); steps with score_noisy &lt; score_clean. */
		public long steps, rankedSteps, noisyBelowClean;
		/** Steps that added the divergence term; the self-training term. */
		public long dbcSteps, stSteps;
		/** Steps where the graph's ranks or decisions differed from the Java queues' (0 unless a bug). */
		public long mismatches;

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "%d steps, %d ranked, %d with score_noisy < score_clean, %d divergence, %d " +
				"self-training, %d mismatches", steps, rankedSteps, noisyBelowClean, dbcSteps, stSteps, mismatches);
		}
	}

	/**
	 * A FIFO of the last L scores and the rank of each new score among them (PyMIC's {@code Rank}): while the
	 * queue holds fewer than L values, a new value is appended and ranks −1; afterwards the oldest value
	 * leaves, the new one enters, and its rank is its position in the ascending order of the L values
	 * (0 = smallest; a value equal to older ones ranks above them, as a stable sort places it).
	 */
	public static final class RankQueue {

		private final int length;
		private final ArrayDeque<Float> values = new ArrayDeque<>();

		public RankQueue(final int length) {
			if (length < 1) throw new IllegalArgumentException("queue length must be at least 1, got " + length);
			this.length = length;
		}

		/** Adds {@code value}; returns its rank in [0, L−1], or −1 while the queue was not full. */
		public int add(final float value) {
			if (values.size() < length) {
				values.addLast(value);
				return -1;
			}
			values.removeFirst();
			int rank = 0;
			for (final float v : values)
				if (v <= value) rank++;
			values.addLast(value);
			return rank;
		}

		/** Whether the queue holds L values (so that the next value gets a rank). */
		public boolean full() {
			return values.size() >= length;
		}

		public int size() {
			return values.size();
		}

		/**
		 * The newest L − 1 values, oldest first (the values a next value is ranked against once the queue is
		 * full); fewer values are padded with 0 at the front.
		 */
		public float[] recent() {
			final float[] r = new float[length - 1];
			final Iterator<Float> it = values.descendingIterator();
			for (int i = r.length - 1; i >= 0 && it.hasNext(); i--) r[i] = it.next();
			return r;
		}
	}
}
