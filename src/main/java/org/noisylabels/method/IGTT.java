package org.noisylabels.method;

import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.noisylabels.Check;
import org.noisylabels.NoisyLabelsException;
import org.noisylabels.Progress;
import org.noisylabels.loss.LossType;
import org.noisylabels.loss.Losses;
import org.noisylabels.method.igtt.Candidates;
import org.noisylabels.method.igtt.Candidates.Selection;
import org.noisylabels.method.igtt.Ems;
import org.noisylabels.method.igtt.LabelState;
import org.noisylabels.method.igtt.Pixels;
import org.noisylabels.method.igtt.Polarity;
import org.noisylabels.metric.ThresholdBaseline;
import org.noisylabels.train.EpochContext;
import org.noisylabels.train.PredictionGraph;
import org.noisylabels.train.Sample;
import org.noisylabels.train.StepContext;
import org.noisylabels.train.StepGraph;
import org.noisylabels.train.TrainingData;
import org.scijava.plugin.Plugin;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

import ij.ImagePlus;
import ij.process.FloatProcessor;


/**
 * iGTT, iterative ground-truth training (Luo et al., "Deep Neural Networks Learn Meta-Structures from
 * Noisy Labels in Semantic Segmentation", AAAI 2022): unsupervised binary segmentation; see
 * {@code algorithms.md} §3. This class holds the method's per-epoch logic and its trainer hooks; its parts
 * are in {@code org.noisylabels.method.igtt}.
 * <p>
 * The loop: labels start all black ({@link LabelState}). Every epoch the network is trained on the current
 * labels with DMI + soft IoU; then, for every image, the prediction P (sigmoid) is thresholded at K evenly
 * spaced thresholds between min(P) and max(P), and the candidate mask with the lowest DMI(P, candidate) is
 * chosen ({@link Candidates}); the EMS module ({@link Ems}) turns it into the next epoch's label: invert it
 * if its foreground is the majority, skeletonize, shift every skeleton pixel by up to r pixels per axis,
 * keep a random fraction p. "Without EMS" the chosen candidate itself is the next label
 * ({@link #nextLabel}). One departure from the paper is on by default: with {@code label_gate=otsu}
 * ({@link Params#labelGate}) the new label keeps only the pixels inside the image's Otsu mask
 * ({@link #gateMask}); {@code label_gate=none} is the published loop. {@link #refresh} does one image's
 * whole update (without a gate; {@link #refreshAll(LabelState, int, float[][], byte[][], int, Params)}
 * takes the gates). At the end, {@link #output}
 * thresholds the final predictions and decides their polarity ({@link Polarity}), because the network may
 * converge to the inverted map.
 * <p>
 * As a {@link NoisyLabelMethod} plugin ("igtt") of the shared trainer: one U-Net with one sigmoid output,
 * the loss DMI + soft IoU on the current pseudo labels ({@link #buildLoss}), and after every epoch
 * ({@link #afterEpoch}) every training image is predicted and its label refreshed as above; the history
 * is recorded in a {@link LabelState}, and the polarity of the output is decided after every epoch and
 * stored in the graph variable {@code igtt_polarity}, so that a saved model gives Apply Model the
 * corrected probability. {@link IGTTSegmentation} runs the whole thing on an image or a stack.
 * <p>
 * The rest is plain Java on one image at a time: a probability map is a {@code float[]} of
 * {@code width * height} values in raster order, a mask a {@code byte[]} with 0 = background and 255
 * (any non-zero value on input) = foreground. Randomness comes from a {@link SplittableRandom}; use
 * {@link Ems#random(long, int, int)} so that a label depends only on (seed, epoch, image), not on the
 * order in which images are processed.
 */
@Plugin(type = NoisyLabelMethod.class, name = "igtt", label = "iGTT", visible = false)
public class IGTT extends AbstractNoisyLabelMethod {

	/** Number of thresholds K (paper and reference code: 30). */
	public static final int DEFAULT_K = 30;
	/** EMS shift radius r in pixels (reference: 1). */
	public static final int DEFAULT_R = 1;
	/** EMS sampling ratio p (reference: 0.1). */
	public static final double DEFAULT_P = 0.1;
	/** Default seed of the suite. */
	public static final long DEFAULT_SEED = 42;
	/** The constant inside DMI's logarithm: −log(|det U| + 0.001) (the loss package's value). */
	public static final double DMI_EPSILON = Losses.DMI_EPS;

	/** Parameter keys used in error messages (the command's keys). */
	public static final String KEY_K = Candidates.KEY_K, KEY_R = Ems.KEY_R, KEY_P = Ems.KEY_P;
	/** Key and values of the soft IoU form (see {@link Params#paperIoU}). */
	public static final String KEY_SOFT_IOU = "soft_iou", SOFT_IOU_REFERENCE = "reference", SOFT_IOU_PAPER = "paper";

	/**
	 * {@link Params#paperIoU} from a {@value #KEY_SOFT_IOU} value ({@value #SOFT_IOU_REFERENCE} or
	 * {@value #SOFT_IOU_PAPER}, any case); throws a {@link NoisyLabelsException} for any other value.
	 */
	/**
	 * Key and values of the first pseudo-labels (see {@link Params#firstLabels}): {@value #FIRST_BLACK} (the
	 * paper: all black) or {@value #FIRST_OTSU} (an extension for sparse structures: EMS of the Otsu mask).
	 */
	public static final String KEY_FIRST_LABELS = "first_labels", FIRST_BLACK = "black", FIRST_OTSU = "otsu";

	/** The canonical {@value #KEY_FIRST_LABELS} value (any case), or a one-line error listing the choices. */
	public static String firstLabels(final String value) {
		return Check.choice(value, KEY_FIRST_LABELS, FIRST_BLACK, FIRST_OTSU);
	}

	/**
	 * The labels of the first epoch, one 0/255 array per slice of {@code image}: all black
	 * ({@value #FIRST_BLACK}, the paper), or ({@value #FIRST_OTSU}) the label the loop would make from the
	 * Otsu mask of the image smoothed by a Gaussian of sigma 1 (one threshold per slice; objects bright or
	 * dark as {@code params.brightObjects} says): EMS of that mask when EMS is on (random generator of
	 * "epoch −1"), else the mask itself.
	 */
	public static byte[][] firstLabels(final ImagePlus image, final Params params) {
		final int w = image.getWidth(), h = image.getHeight(), d = image.getStackSize();
		final byte[][] out = new byte[d][];
		if (FIRST_BLACK.equals(firstLabels(params.firstLabels))) {
			for (int z = 0; z < d; z++)
				out[z] = new byte[w * h];
			return out;
		}
		final ImagePlus mask = otsuMask(image, params.brightObjects);
		for (int z = 0; z < d; z++) {
			final byte[] m = Pixels.binary((byte[]) mask.getStack().getProcessor(z + 1).getPixels());
			out[z] = params.ems ? Ems.apply(m, w, h, params.r, params.p, Ems.random(params.seed, -1, z)).label : m;
		}
		return out;
	}

	/**
	 * Key and values of the label gate (see {@link Params#labelGate}): {@value #GATE_OTSU} (default, an
	 * extension) or {@value #GATE_NONE} (the paper).
	 */
	public static final String KEY_LABEL_GATE = "label_gate", GATE_OTSU = "otsu", GATE_NONE = "none";

	/** The canonical {@value #KEY_LABEL_GATE} value (any case), or a one-line error listing the choices. */
	public static String labelGate(final String value) {
		return Check.choice(value, KEY_LABEL_GATE, GATE_OTSU, GATE_NONE);
	}

	/**
	 * The label gate of one 2D image: the Otsu mask (0/255) of the image smoothed by a Gaussian of sigma 1,
	 * on the bright side when {@code brightObjects}, else the dark side (the Threshold Baseline's Otsu
	 * mask). With {@code label_gate=otsu} every pseudo-label pixel outside it is dropped.
	 */
	public static byte[] gateMask(final float[] image, final int width, final int height,
		final boolean brightObjects)
	{
		Pixels.requireSameLength(width * height, image.length);
		final ImagePlus imp = new ImagePlus("gate", new FloatProcessor(width, height, image.clone()));
		return Pixels.binary((byte[]) otsuMask(imp, brightObjects).getProcessor().getPixels());
	}

	/**
	 * The Threshold Baseline's Otsu mask of every slice of {@code image} smoothed by a Gaussian of sigma 1, on
	 * the bright or the dark side: the source of {@code first_labels=otsu} and of the label gate.
	 */
	private static ImagePlus otsuMask(final ImagePlus image, final boolean brightObjects) {
		return ThresholdBaseline.apply(image, ThresholdBaseline.OTSU, 1, 51, 0, !brightObjects, true, Progress.NONE).mask;
	}

	public static boolean paperIoU(final String softIoU) {
		return SOFT_IOU_PAPER.equals(Check.choice(softIoU, KEY_SOFT_IOU, SOFT_IOU_REFERENCE, SOFT_IOU_PAPER));
	}

	// ---------------------------------------------------------------------------------------------
	// 0. The method as a plugin of the shared trainer
	// ---------------------------------------------------------------------------------------------

	/** What one epoch produced, given to an {@link EpochListener}. */
	public static final class EpochResult {

		/** The epoch just finished, 0-based, and the number of epochs of the run. */
		public final int epoch, epochs;
		/** The network's raw predictions P of every training image (not polarity-corrected). */
		public final float[][] predictions;
		/** The thresholded predictions with the polarity decided over all images. */
		public final Output output;
		/** Every image's label refresh (selection, EMS, the next label). */
		public final Update[] updates;
		/** Mean training loss (DMI + soft IoU) of the epoch's steps. */
		public final double loss;

		EpochResult(final int epoch, final int epochs, final float[][] predictions, final Output output,
			final Update[] updates, final double loss)
		{
			this.epoch = epoch;
			this.epochs = epochs;
			this.predictions = predictions;
			this.output = output;
			this.updates = updates;
			this.loss = loss;
		}
	}

	/** Called after every epoch (on the training thread). */
	public interface EpochListener {

		void epochDone(EpochResult result);
	}

	private Params params = new Params();
	private int epochs = 0;
	private int historyInterval = 1;
	private EpochListener listener;

	// state of one run
	private LabelState state;
	private EpochResult last;
	private double lossSum;
	private int lossCount;
	private Op setNormal, setInverted;
	private boolean modelInverted;
	private int emptySince = -1;
	/** The label gates ({@code label_gate=otsu}), one per training image, computed at the first refresh. */
	private byte[][] gates;

	/** A method with the reference parameters (SciJava needs a public no-argument constructor). */
	public IGTT() {}

	/** A method with these parameters (copied by reference: do not change them during training). */
	public IGTT(final Params params) {
		this.params = params;
	}

	public Params params() {
		return params;
	}

	/**
	 * The number of epochs of the run (for the history: the last epoch is always recorded) and every how
	 * many epochs the labels are recorded (0 = no history).
	 */
	public IGTT setHistory(final int totalEpochs, final int interval) {
		this.epochs = totalEpochs;
		this.historyInterval = interval;
		return this;
	}

	public IGTT setListener(final EpochListener l) {
		this.listener = l;
		return this;
	}

	/** The labels and their history (null before the first epoch ended). */
	public LabelState labelState() {
		return state;
	}

	/** The last finished epoch's result, or null. */
	public EpochResult lastEpoch() {
		return last;
	}

	/**
	 * The epoch (0-based) since which every image's pseudo-label has been empty, up to the last finished
	 * epoch; −1 when the last refresh left some label non-empty. Empty labels mean the loop collapsed: the
	 * prediction was (nearly) flat, or its candidate covered the whole image, and the network is now trained
	 * toward a blank answer.
	 */
	public int emptyLabelsSince() {
		return emptySince;
	}

	/** {@link #emptyLabelsSince()} after {@code epoch}'s refresh gave {@code labels}. */
	static int emptySince(final int since, final int epoch, final byte[][] labels) {
		for (final byte[] l : labels)
			if (Pixels.countForeground(l) > 0) return -1;
		return since >= 0 ? since : epoch;
	}

	/** iGTT stays 2D: its label refresh (EMS, DMI selection) works on 2D images. */
	@Override
	public boolean supports3D() {
		return false;
	}

	@Override
	public String methodName() {
		return "igtt";
	}

	@Override
	public Map<String, Object> parameters() {
		final Map<String, Object> m = super.parameters();
		m.put(KEY_K, params.k);
		m.put("ems", params.ems);
		m.put(KEY_R, params.r);
		m.put(KEY_P, params.p);
		m.put("bright_objects", params.brightObjects);
		m.put("full_range", params.fullRange);
		m.put("shared_index", params.sharedIndex);
		m.put(KEY_SOFT_IOU, params.paperIoU ? SOFT_IOU_PAPER : SOFT_IOU_REFERENCE);
		m.put(KEY_FIRST_LABELS, params.firstLabels);
		m.put(Candidates.KEY_CANDIDATE, params.candidate);
		m.put(KEY_LABEL_GATE, params.labelGate);
		m.put("label_seed", params.seed);
		m.put("output_polarity", "decided after every epoch; the saved model outputs the corrected probability");
		return m;
	}

	@Override
	public void validate() {
		params.validate();
		Check.range(historyInterval, 0, 1_000_000, "history_interval");
	}

	/** DMI + soft IoU with equal weights on the current pseudo labels (binary; 1 sigmoid output or 2 softmax). */
	@Override
	public Operand<TFloat32> buildLoss(final StepGraph g) {
		if (g.lossClasses() != 2) throw new NoisyLabelsException("iGTT is a binary method, but the network has " + g
			.lossClasses() + " classes");
		final Ops tf = g.tf();
		final Operand<TFloat32> prob = g.forward(0, 0).probabilities(0);
		final Operand<TFloat32> dmi = Losses.loss(tf, LossType.DMI, null, prob, g.target(0), g.weight(0), null);
		final Operand<TFloat32> iou = Losses.softIoU(tf, prob, g.target(0), g.weight(0), params.paperIoU);
		return tf.math.add(dmi, iou);
	}

	@Override
	public void afterStep(final StepContext context, final double loss) {
		lossSum += loss;
		lossCount++;
	}

	/**
	 * The network's foreground probability P, or 1 − P once the polarity was decided to be inverted: a
	 * variable {@code igtt_polarity} (0 or 1, set after every epoch) makes q = P + s·(1 − 2P), so that a saved
	 * model gives Apply Model the corrected map.
	 */
	@Override
	public Operand<TFloat32> prediction(final PredictionGraph g) {
		final Ops tf = g.tf();
		final Operand<TFloat32> p = Losses.channel(tf, g.forward(0).probabilities(0), 1);
		final Variable<TFloat32> s = tf.withName("igtt_polarity").variable(tf.constant(0f));
		setNormal = tf.withName("igtt_polarity_keep").assign(s, tf.constant(0f));
		setInverted = tf.withName("igtt_polarity_invert").assign(s, tf.constant(1f));
		final Operand<TFloat32> q = tf.math.add(p, tf.math.mul(tf.identity(s), tf.math.sub(tf.constant(1f), tf.math.mul(
			tf.constant(2f), p))));
		return Losses.twoClass(tf, q);
	}

	/**
	 * The label refresh: predicts every training image, selects each image's candidate by DMI, makes the
	 * next label (EMS or the candidate), records the history, decides the output's polarity.
	 */
	@Override
	public void afterEpoch(final EpochContext ctx) {
		final TrainingData data = ctx.data(0);
		final int n = data.size();
		if (state == null) {
			final int[] w = new int[n], h = new int[n];
			for (int i = 0; i < n; i++) {
				w[i] = data.sample(i).width;
				h[i] = data.sample(i).height;
			}
			state = new LabelState(w, h, historyInterval > 0);
		}
		final int epoch = ctx.epoch();
		final float[][] raw = new float[n][];
		final float[][] images = new float[n][];
		for (int i = 0; i < n; i++) {
			final Sample s = data.sample(i);
			final float[] q = ctx.predict(s)[0];
			if (modelInverted) for (int j = 0; j < q.length; j++) q[j] = 1 - q[j];
			raw[i] = q;
			images[i] = s.image;
		}
		if (gates == null && GATE_OTSU.equals(labelGate(params.labelGate))) {
			gates = new byte[n][];
			for (int i = 0; i < n; i++) {
				final Sample s = data.sample(i);
				gates[i] = gateMask(s.image, s.width, s.height, params.brightObjects);
			}
		}
		final Update[] updates = refreshAll(state, 0, raw, gates, epoch, params);
		final byte[][] labels = new byte[n][];
		for (int i = 0; i < n; i++) {
			final byte[] l = labels[i] = state.label(i);
			final byte[] classes = new byte[l.length];
			for (int j = 0; j < l.length; j++)
				if (l[j] != 0) classes[j] = 1;
			data.sample(i).setLabels(classes);
		}
		emptySince = emptySince(emptySince, epoch, labels);
		if (historyInterval > 0 && ((epoch + 1) % historyInterval == 0 || epoch + 1 == epochs)) state.endEpoch(epoch);
		final Output out = output(raw, images, params);
		if (out.polarity.inverted != modelInverted && setNormal != null) {
			ctx.run(out.polarity.inverted ? setInverted : setNormal);
			modelInverted = out.polarity.inverted;
		}
		final double loss = lossCount == 0 ? Double.NaN : lossSum / lossCount;
		lossSum = 0;
		lossCount = 0;
		last = new EpochResult(epoch, epochs, raw, out, updates, loss);
		ctx.log(summary(last));
		if (listener != null) listener.epochDone(last);
	}

	/** One log line per epoch. */
	static String summary(final EpochResult r) {
		long fg = 0, px = 0, kept = 0, inverted = 0;
		double t = 0;
		for (final Update u : r.updates) {
			fg += u.selection.foreground;
			px += u.selection.mask.length;
			t += u.selection.index;
			if (u.ems != null && u.ems.inverted) inverted++;
			kept += Pixels.countForeground(u.label);
		}
		return String.format(Locale.ROOT,
			"iGTT epoch %d%s: loss %.4f; candidates: mean k %.1f, foreground %.1f%%%s; labels %d px; output %s%s",
			r.epoch + 1, r.epochs > 0 ? "/" + r.epochs : "", r.loss, t / Math.max(1, r.updates.length), 100.0 * fg / Math
				.max(1, px), inverted > 0 ? " (" + inverted + " inverted by EMS)" : "", kept, r.output.polarity.inverted
					? "inverted" : "kept", String.format(Locale.ROOT, " (foreground %.1f%%)", 100 * (r.output.polarity.inverted
						? 1 - r.output.polarity.foregroundFraction : r.output.polarity.foregroundFraction)));
	}

	// ---------------------------------------------------------------------------------------------
	// Parameters
	// ---------------------------------------------------------------------------------------------

	/** The trainer-independent parameters of iGTT, with the reference defaults. */
	public static final class Params {

		/** Number of thresholds K (at least 3 with the default range, 2 with the full range). */
		public int k = DEFAULT_K;
		/**
		 * false (default, reference code): only candidates k = 1…K−2 are considered (P &gt; min(P) and
		 * P &gt; max(P) are left out); true (paper): all of k = 0…K−1. (Strictly, the reference code gives
		 * the two extremes the value 0 instead of their DMI, so they would still win whenever every inner
		 * DMI is positive, i.e. |det U| &lt; 0.999 for all inner candidates, a nearly flat P; here they are
		 * simply never chosen.)
		 */
		public boolean fullRange = false;
		/**
		 * false (default): every image gets its own best index; true (reference code, which evaluates DMI
		 * on a whole batch): one index for all images given together, the one with the lowest mean DMI.
		 */
		public boolean sharedIndex = false;
		/** Use the EMS module (default) or the chosen candidate directly ("iGTT without EMS"). */
		public boolean ems = true;
		/** EMS shift radius in pixels per axis. */
		public int r = DEFAULT_R;
		/** EMS sampling ratio in (0, 1]. */
		public double p = DEFAULT_P;
		/** Seed of every random choice. */
		public long seed = DEFAULT_SEED;
		/** Whether the objects are brighter than the background (used to decide the output's polarity). */
		public boolean brightObjects = true;
		/**
		 * Threshold of the final probability map; NaN (default) = the DMI-selected candidate, as for the
		 * labels (about P &gt; mean(P)).
		 */
		public double outputThreshold = Double.NaN;
		/**
		 * false (default, reference code): the soft IoU term is 1 − Σpy / (Σ(p² + y) − Σpy); true (the
		 * paper's Eq. 6): 1 − Σpy / Σ(p + y − py), which pushes every prediction away from the labels down
		 * at the same rate, so P becomes sharper (see {@link Losses#softIoU(Ops, Operand, Operand, Operand, boolean)}).
		 */
		public boolean paperIoU = false;
		/**
		 * The first epoch's labels: {@value IGTT#FIRST_BLACK} (default, the paper) or {@value IGTT#FIRST_OTSU}
		 * (EMS of the Otsu mask of the sigma-1 smoothed image; see {@link IGTT#firstLabels(ImagePlus, Params)}).
		 */
		public String firstLabels = FIRST_BLACK;
		/**
		 * How each image's candidate is chosen, for the labels and the final mask: {@code dmi} (default, the
		 * paper) or {@code otsu} (a departure for sparse structures; see
		 * {@link Candidates.Criterion}).
		 */
		public String candidate = Candidates.Criterion.DMI.key;
		/**
		 * {@value IGTT#GATE_OTSU} (default, an extension): the next labels keep only the pixels inside the
		 * image's Otsu mask ({@link IGTT#gateMask}), so that candidates which merge nearby objects or fill the
		 * holes between them do not put their skeleton in the gaps; {@value IGTT#GATE_NONE}: the paper.
		 */
		public String labelGate = GATE_OTSU;

		/** The {@link #candidate} rule (checked). */
		public Candidates.Criterion criterion() {
			return Candidates.Criterion.of(candidate);
		}

		/** Throws a {@link NoisyLabelsException} naming the first bad value. */
		public Params validate() {
			Check.range(k, fullRange ? 2 : 3, 10000, KEY_K);
			Check.range(r, 0, 100, KEY_R);
			Ems.checkP(p);
			firstLabels = firstLabels(firstLabels);
			candidate = criterion().key;
			labelGate = labelGate(labelGate);
			if (sharedIndex) Candidates.requireSharedDmi(criterion());
			if (!Double.isNaN(outputThreshold)) Check.probability(outputThreshold, "output_threshold");
			return this;
		}

		@Override
		public String toString() {
			return String.format(Locale.ROOT, "k=%d%s%s, EMS %s (r=%d, p=%s), soft IoU %s, first labels %s, candidate %s, label gate %s, seed=%d", k, fullRange
				? " (all candidates)" : " (k=1..K-2)", sharedIndex ? ", one index per batch" : "", ems ? "on"
					: "off", r, Check.fmt(p), paperIoU ? "as in the paper (p)" : "as in the reference code (p²)", firstLabels, candidate, labelGate, seed);
		}
	}

	// ---------------------------------------------------------------------------------------------
	// 2. The next label (EMS: igtt.Ems)
	// ---------------------------------------------------------------------------------------------

	/**
	 * The next label from the chosen candidate: {@link Ems#apply} when {@code params.ems}; otherwise ("iGTT
	 * without EMS") a 0/255 copy of the candidate AS IS, not inverted (in the reference code the inversion
	 * of majority-foreground masks is applied only together with EMS).
	 */
	public static byte[] nextLabel(final byte[] candidate, final int width, final int height,
		final Params params, final SplittableRandom random)
	{
		if (params.ems) return Ems.apply(candidate, width, height, params.r, params.p, random).label;
		Pixels.requireSameLength(width * height, candidate.length);
		return Pixels.binary(candidate);
	}

	// ---------------------------------------------------------------------------------------------
	// 3. The final output (polarity: igtt.Polarity)
	// ---------------------------------------------------------------------------------------------

	/** The final result: probability maps and masks with the decided polarity. */
	public static final class Output {

		/** Per image: P, or 1 − P when {@link Polarity#inverted}. */
		public final float[][] probabilities;
		/** Per image: the final 0/255 mask. */
		public final byte[][] masks;
		/** Per image: the threshold applied to the network's P (before any inversion). */
		public final double[] thresholds;
		public final Polarity polarity;

		Output(final float[][] probabilities, final byte[][] masks, final double[] thresholds,
			final Polarity polarity)
		{
			this.probabilities = probabilities;
			this.masks = masks;
			this.thresholds = thresholds;
			this.polarity = polarity;
		}
	}

	/**
	 * Thresholds the network's final predictions (at {@code params.outputThreshold}, or by the DMI
	 * selection of {@link Candidates#select}/{@link Candidates#selectShared} when it is NaN) and decides
	 * their polarity over all images ({@code images} = the inputs, may be null; {@link Polarity#decide}).
	 * When inverted, masks become their complement and probabilities 1 − P.
	 */
	public static Output output(final float[][] predictions, final float[][] images, final Params params) {
		params.validate();
		final int n = predictions.length;
		final byte[][] masks = new byte[n][];
		final double[] t = new double[n];
		if (Double.isNaN(params.outputThreshold)) {
			final Selection[] sel = Candidates.selectAll(predictions, params.k, params.fullRange, params.sharedIndex,
				params.criterion());
			for (int i = 0; i < n; i++) {
				final Selection s = sel[i];
				masks[i] = s.mask;
				t[i] = s.threshold;
			}
		}
		else {
			for (int i = 0; i < n; i++) {
				Candidates.minMax(predictions[i]); // rejects NaN
				masks[i] = Candidates.candidate(predictions[i], params.outputThreshold);
				t[i] = params.outputThreshold;
			}
		}
		final Polarity pol = Polarity.decide(masks, images, Polarity.Contrast.of(params.brightObjects));
		final float[][] probs = new float[n][];
		for (int i = 0; i < n; i++) {
			if (pol.inverted) {
				masks[i] = Pixels.invert(masks[i]);
				probs[i] = new float[predictions[i].length];
				for (int j = 0; j < probs[i].length; j++)
					probs[i][j] = 1 - predictions[i][j];
			}
			else probs[i] = predictions[i].clone();
		}
		return new Output(probs, masks, t, pol);
	}

	// ---------------------------------------------------------------------------------------------
	// 4. Per-image label state and the label refresh between epochs
	// ---------------------------------------------------------------------------------------------

	/** One image's label refresh: the selection, what EMS did (null without EMS), the new label. */
	public static final class Update {

		public final int image, epoch;
		public final Selection selection;
		public final Ems.Result ems;
		public final byte[] label;

		Update(final int image, final int epoch, final Selection selection, final Ems.Result ems,
			final byte[] label)
		{
			this.image = image;
			this.epoch = epoch;
			this.selection = selection;
			this.ems = ems;
			this.label = label;
		}

		@Override
		public String toString() {
			return "epoch " + epoch + ", image " + (image + 1) + ": " + selection + (ems != null ? "; " + ems
				: "; without EMS, label = candidate");
		}
	}

	/**
	 * Refreshes one image's label from its prediction after {@code epoch}: DMI selection, then EMS (or the
	 * candidate itself), with the generator {@link Ems#random(long, int, int)}(seed, epoch, image).
	 */
	public static Update refresh(final LabelState state, final int image, final float[] prediction,
		final int epoch, final Params params)
	{
		params.validate();
		Pixels.requireSameLength(state.label(image).length, prediction.length);
		final Selection sel = Candidates.select(prediction, params.k, params.fullRange, params.criterion());
		return apply(state, image, epoch, sel, null, params);
	}

	/**
	 * Refreshes the labels of images {@code first … first + predictions.length − 1} (per-image selection,
	 * or one shared index when {@code params.sharedIndex}). Does not call {@link LabelState#endEpoch}.
	 */
	public static Update[] refreshAll(final LabelState state, final int first, final float[][] predictions,
		final int epoch, final Params params)
	{
		return refreshAll(state, first, predictions, null, epoch, params);
	}

	/**
	 * As {@link #refreshAll(LabelState, int, float[][], int, Params)}; with {@code gates} (one 0/255 mask
	 * per image, or null) every label pixel outside its image's gate is dropped after EMS.
	 */
	public static Update[] refreshAll(final LabelState state, final int first, final float[][] predictions,
		final byte[][] gates, final int epoch, final Params params)
	{
		params.validate();
		if (gates != null) {
			if (gates.length != predictions.length) throw new IllegalArgumentException("one gate per prediction needed");
			for (int i = 0; i < gates.length; i++)
				Pixels.requireSameLength(predictions[i].length, gates[i].length);
		}
		for (int i = 0; i < predictions.length; i++)
			Pixels.requireSameLength(state.label(first + i).length, predictions[i].length);
		final Selection[] sel = Candidates.selectAll(predictions, params.k, params.fullRange, params.sharedIndex,
				params.criterion());
		final Update[] out = new Update[predictions.length];
		for (int i = 0; i < predictions.length; i++) {
			out[i] = apply(state, first + i, epoch, sel[i], gates == null ? null : gates[i], params);
		}
		return out;
	}

	private static Update apply(final LabelState state, final int image, final int epoch, final Selection sel,
		final byte[] gate, final Params params)
	{
		final int w = state.width(image), h = state.height(image);
		final Ems.Result ems = params.ems ? Ems.apply(sel.mask, w, h, params.r, params.p, Ems.random(params.seed, epoch,
			image)) : null;
		byte[] label = ems != null ? ems.label : sel.mask;
		if (gate != null) {
			final byte[] gated = new byte[label.length];
			for (int j = 0; j < label.length; j++)
				if (gate[j] != 0) gated[j] = label[j];
			label = gated;
		}
		state.set(image, label, sel.mask); // stores copies
		return new Update(image, epoch, sel, ems, state.label(image));
	}

	// ---------------------------------------------------------------------------------------------
	// helpers
	// ---------------------------------------------------------------------------------------------






}
