package org.noisylabels.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.tensorflow.Operand;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * A noisy-label learning method, driven by the shared {@link Trainer}.
 * <p>
 * The trainer owns everything methods have in common: the data (patches, augmentation, normalisation,
 * validation split), the optimiser and its learning-rate schedule, progress and cancel, validation Dice
 * and early stopping, checkpoints, the device, and the model files. A method supplies only what differs:
 * <ol>
 * <li><b>Networks</b> ({@link #networks()}, {@link #heads()}, {@link #emaTeacher()}, {@link #streams()}):
 * how many U-Nets are trained together (1 for Supervised, PINT, iGTT; 2 for Co-Teaching; 3 for TriNet),
 * how many output heads each has (2 for DAST), whether an exponential-moving-average teacher of network 0
 * is kept (PINT), and how many data streams a step sees (DAST: clean + noisy).</li>
 * <li><b>The per-step loss</b> ({@link #buildLoss(StepGraph)}): a scalar built ONCE, as a TensorFlow
 * graph, from the networks' outputs on the batch ({@link StepGraph#forward(int, int)}), the batch's
 * labels and pixel weights ({@link StepGraph#target(int)}, {@link StepGraph#weight(int)}), extra
 * per-pixel inputs ({@link StepGraph#pixelInput(int, String)}) and scalars fed at every step
 * ({@link StepGraph#scalar(String, float)}, set in {@link #beforeStep(StepContext)}). Selections such as
 * Co-Teaching's small-loss pixels belong in the graph (per-pixel losses, a threshold under
 * {@code stopGradient}, a weighted mean). Use {@code org.noisylabels.loss.Losses} for the losses.</li>
 * <li><b>Which variables learn</b> ({@link #trainableVariables(StepGraph)}): by default every trainable
 * variable of every student network (never the teacher). Gradients are computed for these only.
 * {@link #optimizerGroups(StepGraph)} splits them into groups with their own clipping and learning-rate
 * factor, as separate optimisers would.</li>
 * <li><b>Hooks</b>: {@link #beforeStep}, {@link #afterStep} and {@link #afterEpoch} run in Java between
 * steps/epochs for state that lives outside the graph: ramps, FIFO rank queues (DAST), label refresh
 * (iGTT: {@link EpochContext#predict} + {@link Sample#setLabels}), confident
 * learning between two trainings (CLSLSR). The EMA teacher is updated by the trainer after every step
 * with {@link #emaDecay(long)}.</li>
 * <li><b>Prediction</b> ({@link #prediction(PredictionGraph)}): which network or head, or the mean of
 * logits, Apply Model uses. It is built in inference mode and exported with the model.</li>
 * </ol>
 * <b>Data streams, fed and fetched tensors</b> (the hooks DAST needs). Stream {@code s} of
 * {@link #streams()} gets its own batch of {@link #batchSize(int, int)} patches at every step (all of one
 * patch size), as {@link StepGraph#image(int)}, {@link StepGraph#target(int)}, {@link StepGraph#weight(int)}.
 * State a method keeps in Java between steps enters the graph as fed tensors and leaves it as fetched
 * ones: {@link StepGraph#feed(String, float[], long...)} declares a float input of fixed shape, set with
 * {@link StepContext#feed} in {@link #beforeStep} (it keeps its value until set again);
 * {@link StepGraph#fetch(String, Operand)} registers any float tensor of the step, whose value the trainer
 * fetches from the same run as the weight update (the forward pass before the update) and hands to
 * {@link #afterStep} as {@link StepContext#fetched}. So a step sees what Java fed before it and Java sees
 * what the step computed: one run per step, no second forward pass. A decision that needs both a value
 * of this step and Java state (DAST: the rank of this step's score among the queue of earlier scores) is
 * made in the graph from the fed state (the queue) and the step's value (the score), and repeated in Java
 * in {@code afterStep} from the fetched value to update the state. (There is no two-phase step, a
 * forward-only run whose results Java turns into inputs of the training run: it would cost a second
 * forward pass and see other dropout masks and batch statistics than the step it decides for.) Methods
 * that register no feed or fetch run exactly as before.
 * <p>
 * The suite's methods implement {@code org.noisylabels.method.NoisyLabelMethod}, this interface as a
 * SciJava plugin (discovery, menu entries, keys declared once); the trainer needs only this one, so
 * {@code train} does not depend on {@code method}.
 */
public interface TrainingMethod {

	/** A short stable name recorded in model.json, e.g. "supervised". */
	String methodName();

	/** The method's parameters, recorded in model.json (keys as the commands' keys). */
	Map<String, Object> parameters();

	/** Number of student networks trained by gradients (all share the architecture). */
	default int networks() {
		return 1;
	}

	/** Output heads per network. */
	default int heads() {
		return 1;
	}

	/** Whether the trainer keeps an exponential-moving-average teacher of network 0. */
	default boolean emaTeacher() {
		return false;
	}

	/** The teacher's EMA decay after step {@code step} (0-based): warm-up form min(1 − 1/(step+1), 0.99). */
	default double emaDecay(final long step) {
		return Math.min(1 - 1.0 / (step + 1), 0.99);
	}

	/** Number of data streams fed at every step (stream 0 = the training data; DAST adds a clean stream). */
	default int streams() {
		return 1;
	}

	/**
	 * The patches per step of data stream {@code stream}; {@code configured} is the training's
	 * {@code batch_size}. By default every stream uses {@code configured}; DAST takes its clean stream's own
	 * size. Must be at least 1.
	 */
	default int batchSize(final int stream, final int configured) {
		return configured;
	}

	/** Names of extra per-pixel inputs every sample must carry (see {@link StepGraph#pixelInput}). */
	default List<String> pixelInputs() {
		return new ArrayList<>();
	}

	/**
	 * Whether the method trains 3D networks ({@code dimensions=3}); true by default. In 3D every batch
	 * tensor keeps its 2D layout with the slices of each volume patch as consecutive rows of the batch axis:
	 * images [N·D,H,W,1], targets [N·D,H,W,C], weights [N·D,H,W,1], network outputs [N·D,H,W,C], D =
	 * {@link StepGraph#slices()} (1 in 2D). Per-pixel losses and batch means need no change; a reduction
	 * "per image" over axis 0 is per slice, so group the rows by D when it must be per volume
	 * ({@link StepGraph#volumeRows}). {@link EpochContext#predict} predicts a sample's whole volume in 3D.
	 * Return false when the method's hooks only make sense on 2D images: the trainer then refuses
	 * {@code dimensions=3} with a one-line error before training.
	 */
	default boolean supports3D() {
		return true;
	}

	/** Checks the method's parameters; throw {@link org.noisylabels.NoisyLabelsException} for bad values. */
	default void validate() {}

	/** Builds the scalar loss of one training step (called once, when the graph is built). */
	Operand<TFloat32> buildLoss(StepGraph graph);

	/** The variables that gradients update; by default every trainable variable of every student network. */
	default List<Variable<TFloat32>> trainableVariables(final StepGraph graph) {
		final List<Variable<TFloat32>> vars = new ArrayList<>();
		for (int i = 0; i < graph.networkCount(); i++) vars.addAll(graph.network(i).trainableVariables());
		return vars;
	}

	/**
	 * The optimiser groups: each group is updated as by an optimiser of its own, with its own gradient
	 * clipping norm ({@code clip_norm}) and learning-rate factor ({@link Optimizer.Group}); every group
	 * shares the optimiser type, weight decay and schedule. By default one group holding
	 * {@link #trainableVariables(StepGraph)} (PyMIC's Co-Teaching and TriNet also train their networks with
	 * one optimiser). A method that trains, say, a second network more slowly returns
	 * {@code new Optimizer.Group(graph.network(1).trainableVariables(), 0.1)} as a second group.
	 */
	default List<Optimizer.Group> optimizerGroups(final StepGraph graph) {
		return java.util.Collections.singletonList(new Optimizer.Group(trainableVariables(graph)));
	}

	/** Called before every step: set fed scalars and tensors ({@link StepContext#setScalar}, {@link StepContext#feed}). */
	default void beforeStep(final StepContext context) {}

	/** Called after every step with the step's loss; the step's fetched tensors are in {@link StepContext#fetched}. */
	default void afterStep(final StepContext context, final double loss) {}

	/** Called after every epoch (e.g. to refresh labels). */
	default void afterEpoch(final EpochContext context) {}

	/**
	 * For a method trained in several stages (CLSLSR: train a baseline, run a pass in Java, train again
	 * from scratch): runs them with {@link Stages} and returns the outcome of the final stage, whose model is
	 * the method's model ({@link Stages#config()}; intermediate stages use {@link Stages#stageConfig()}).
	 * Null (the default) = the method is trained in one run. Every Train command runs a method through
	 * {@link Trainer#run}, which calls this first.
	 */
	default Trainer.Outcome trainInStages(final Stages stages) {
		return null;
	}

	/**
	 * The class probabilities Apply Model uses, [N,H,W,C'] as {@link UNet.Forward#probabilities}; by
	 * default network 0, head 0.
	 */
	default Operand<TFloat32> prediction(final PredictionGraph graph) {
		return graph.forward(0).probabilities(0);
	}
}
