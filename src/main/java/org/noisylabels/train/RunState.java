package org.noisylabels.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.noisylabels.NoisyLabelsException;
import org.noisylabels.io.AtomicFiles;
import org.tensorflow.Session;

import ij.measure.ResultsTable;

/**
 * What a run needs to continue where it stopped (key {@code resume}), kept in the model folder's
 * {@code checkpoint/}: {@code last.bin} (every variable after the last step: weights, batch-norm statistics,
 * optimiser slots, EMA teacher), {@code best.bin} (the best-validation weights when the model keeps the
 * best), and {@code state.json} (step, best Dice and its iteration, early-stopping count, the running
 * loss sums of the current validation interval, the schedule's state and the curve so far). The patch
 * sampler is fast-forwarded by the number of steps done, so a resumed run draws the same patches as an
 * uninterrupted one; TensorFlow's own random ops (dropout, PINT's input noise) start their sequences anew.
 */
final class RunState {

	static final String FOLDER = "checkpoint";
	/** Prefix of the keys to compare that are trainer settings (model.json's "training") rather than the method's. */
	static final String TRAINING = "training.";
	private static final String[] CURVE = { "iteration", "epoch", "loss", "learning_rate", "gradient_norm",
		"validation_dice", "seconds" };

	long step;
	long total;
	double best = Double.NEGATIVE_INFINITY;
	long bestIteration;
	int sinceBest;
	double lossSum, normSum;
	int lossCount;
	double seconds;
	double[] schedule;
	String method;

	/** Writes {@code checkpoint/} into a model folder being written. */
	void write(final Path modelFolder, final Checkpoint ckpt, final float[][] last, final float[][] bestWeights,
		final ResultsTable curve) throws IOException
	{
		if (last == null) return;
		final Path dir = Files.createDirectories(modelFolder.resolve(FOLDER));
		ckpt.write(last, dir.resolve("last.bin"));
		if (bestWeights != null) ckpt.write(bestWeights, dir.resolve("best.bin"));
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("method", method);
		m.put("step", step);
		m.put("total", total);
		m.put("best_dice", best == Double.NEGATIVE_INFINITY ? null : best);
		m.put("best_iteration", bestIteration);
		m.put("since_best", sinceBest);
		m.put("loss_sum", lossSum);
		m.put("norm_sum", normSum);
		m.put("loss_count", lossCount);
		m.put("seconds", seconds);
		m.put("schedule", schedule);
		final List<Object> rows = new ArrayList<>();
		for (int r = 0; r < curve.size(); r++) {
			final List<Object> row = new ArrayList<>();
			for (final String c : CURVE) row.add(curve.getValue(c, r));
			rows.add(row);
		}
		m.put("curve", rows);
		Files.write(dir.resolve("state.json"), Json.write(m).getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Reads the checkpoint of the model at {@code model} (folder or .zip), loads its last weights into
	 * {@code session}, its best weights into {@code ckpt}, the schedule's state and the curve so far.
	 */
	void resume(final Path model, final Checkpoint ckpt, final Session session, final Schedule sched,
		final ResultsTable curve, final String methodName, final Map<String, Object> methodParameters,
		final long runTotal, final Consumer<String> log)
	{
		if (!Files.exists(model)) throw new NoisyLabelsException("resume: " + model +
			" does not exist: give the model folder (or .zip) of the run to continue");
		final boolean zip = ModelFiles.isZip(model) && Files.isRegularFile(model);
		final Path folder = zip ? ModelFiles.unzip(model) : model;
		try {
			final Path dir = folder.resolve(FOLDER);
			final Path json = dir.resolve("state.json");
			if (!Files.isRegularFile(json)) throw new NoisyLabelsException("resume: " + model +
				" has no training checkpoint (" + FOLDER + "/state.json): it is not a model folder written by a Train command of this version; train without resume");
			final Map<?, ?> m;
			try {
				m = (Map<?, ?>) Json.parse(new String(Files.readAllBytes(json), StandardCharsets.UTF_8));
			}
			catch (final IOException | RuntimeException e) {
				throw new NoisyLabelsException("resume: " + json + " is unreadable (" + e.getMessage() +
					"): train without resume");
			}
			method = String.valueOf(m.get("method"));
			if (!method.equals(methodName)) throw new NoisyLabelsException("resume: " + model + " was trained with '" +
				method + "', not '" + methodName + "': resume it with the same command");
			// the method's keys must be those of the first run (a PINT schedule, a loss, ...)
			final ModelInfo first = ModelInfo.read(folder);
			for (final Map.Entry<String, Object> e : methodParameters.entrySet()) {
				final boolean trainer = e.getKey().startsWith(TRAINING);
				final String key = trainer ? e.getKey().substring(TRAINING.length()) : e.getKey();
				final Object was = trainer ? first.training.get(key) : first.methodParameters.get(key);
				if (was != null && !Json.write(was).equals(Json.write(e.getValue()))) throw new NoisyLabelsException(
					"resume: " + key + " was " + Json.write(was).trim() + " in the run in " + model + ", now " + Json
						.write(e.getValue()).trim() + ": resume with the first run's keys");
			}
			step = (long) num(m, "step");
			total = (long) num(m, "total");
			if (step >= runTotal) throw new NoisyLabelsException("resume: the run in " + model + " already did " + step +
				" of the " + runTotal + " iterations asked for: give more iterations to continue it");
			final Object b = m.get("best_dice");
			best = b instanceof Number ? ((Number) b).doubleValue() : Double.NEGATIVE_INFINITY;
			bestIteration = (long) num(m, "best_iteration");
			sinceBest = (int) num(m, "since_best");
			lossSum = num(m, "loss_sum");
			normSum = num(m, "norm_sum");
			lossCount = (int) num(m, "loss_count");
			seconds = num(m, "seconds");
			final List<?> s = (List<?>) m.get("schedule");
			schedule = new double[s.size()];
			for (int i = 0; i < schedule.length; i++) schedule[i] = s.get(i) instanceof Number ? ((Number) s.get(i))
				.doubleValue() : Double.NEGATIVE_INFINITY;
			sched.restore(schedule);
			ckpt.load(session, ckpt.read(dir.resolve("last.bin")), "resume: " + model);
			if (Files.isRegularFile(dir.resolve("best.bin"))) ckpt.set(ckpt.read(dir.resolve("best.bin")), "resume: " +
				model);
			for (final Object row : (List<?>) m.get("curve")) {
				final List<?> r = (List<?>) row;
				curve.incrementCounter();
				for (int c = 0; c < CURVE.length; c++) curve.addValue(CURVE[c], r.get(c) instanceof Number ? ((Number) r.get(
					c)).doubleValue() : Double.NaN);
			}
			log.accept("resuming " + model + " at iteration " + step + " of " + runTotal + (total != runTotal
				? " (the first run was set to " + total + ")" : ""));
		}
		catch (final ClassCastException | NullPointerException e) {
			throw new NoisyLabelsException("resume: " + model + "'s checkpoint is incomplete (" + e +
				"): train without resume");
		}
		finally {
			if (zip) {
				try {
					AtomicFiles.deleteRecursively(folder);
				}
				catch (final IOException e) {
					// a temporary copy; nothing to do
				}
			}
		}
	}

	private static double num(final Map<?, ?> m, final String key) {
		final Object v = m.get(key);
		if (!(v instanceof Number)) throw new NoisyLabelsException("resume: the checkpoint has no '" + key +
			"': train without resume");
		return ((Number) v).doubleValue();
	}
}
