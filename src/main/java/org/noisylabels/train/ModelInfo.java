package org.noisylabels.train;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.noisylabels.NoisyLabelsException;

/**
 * The content of a model folder's {@code model.json}: everything needed to apply the model (network
 * architecture, classes, normalisation, tile geometry) and to know where it came from (method and its
 * parameters, training data, suite and TensorFlow versions, device, iterations, validation Dice).
 */
public final class ModelInfo {

	/** Identifies the file. */
	public static final String FORMAT = "noisy-labels-model";
	/** Bumped when a model written by this version can no longer be read by older ones (and vice versa). */
	public static final int FORMAT_VERSION = 1;
	public static final String JSON = "model.json";
	public static final String SAVED_MODEL = "saved_model";

	public String suiteVersion = suiteVersion();
	public String tensorflowVersion = "";
	public String method = "supervised";
	public Map<String, Object> methodParameters = new LinkedHashMap<>();
	public Map<String, Object> training = new LinkedHashMap<>();
	public List<String> trainingData = new ArrayList<>();
	public int depth, baseChannels, heads = 1;
	public boolean batchNorm;
	/** Label classes (>= 2). */
	public int classes = 2;
	/** Network outputs: 1 (sigmoid) or C. */
	public int networkOutputs = 2;
	/** Channels of the exported "probability" output: 1 (foreground) for binary, C otherwise. */
	public int outputChannels = 1;
	public String normalization = "zscore";
	public double normLow, normHigh;
	public int patchSize, sizeMultiple, margin;
	/**
	 * 2 or 3 (a 3D network: its 4D input holds volumes of {@link UNet#SLICES} slices; Apply Model then predicts
	 * a stack as one volume). Written to model.json only for 3D models; absent = 2.
	 */
	public int dimensions = 2;
	/** 3D: z pooling factor per level, slice multiple, z margin (slices) and training patch depth. */
	public int[] zPool = new int[0];
	public int zMultiple = 1, zMargin, patchDepth = 1;
	public String device = "CPU";
	public long iterations;
	public double validationDice = Double.NaN;
	public String stopped = "finished";
	public String created = java.time.Instant.now().toString();

	public static String suiteVersion() {
		final String v = ModelInfo.class.getPackage() == null ? null : ModelInfo.class.getPackage()
			.getImplementationVersion();
		return v == null ? "0.1.0-SNAPSHOT" : v;
	}

	public Normalization normalizationObject() {
		return new Normalization(Normalization.Type.valueOf(normalization.toUpperCase(java.util.Locale.ROOT)), normLow,
			normHigh);
	}

	public Map<String, Object> toMap() {
		final Map<String, Object> m = new LinkedHashMap<>();
		m.put("format", FORMAT);
		m.put("format_version", FORMAT_VERSION);
		m.put("suite_version", suiteVersion);
		m.put("tensorflow_version", tensorflowVersion);
		m.put("created", created);
		m.put("method", method);
		m.put("method_parameters", methodParameters);
		final Map<String, Object> net = new LinkedHashMap<>();
		net.put("architecture", dimensions == 3 ? "unet3d" : "unet2d");
		if (dimensions == 3) {
			net.put("dimensions", 3);
			net.put("z_pooling", zPool);
		}
		net.put("depth", depth);
		net.put("base_channels", baseChannels);
		net.put("batch_norm", batchNorm);
		net.put("heads", heads);
		net.put("network_outputs", networkOutputs);
		m.put("network", net);
		m.put("classes", classes);
		m.put("output_channels", outputChannels);
		final Map<String, Object> norm = new LinkedHashMap<>();
		norm.put("type", normalization);
		norm.put("low", normLow);
		norm.put("high", normHigh);
		m.put("normalization", norm);
		m.put("patch_size", patchSize);
		m.put("size_multiple", sizeMultiple);
		m.put("tile_margin", margin);
		if (dimensions == 3) {
			m.put("patch_depth", patchDepth);
			m.put("slice_multiple", zMultiple);
			m.put("tile_margin_z", zMargin);
		}
		m.put("input", dimensions == 3 ? "image [N*D,H,W,1] float32, normalised: N volumes of D slices, D fed as the int32 scalar '" +
			UNet.SLICES + "'" : "image [N,H,W,1] float32, normalised");
		m.put("output", "probability [N,H,W," + outputChannels + "] float32");
		m.put("training", training);
		m.put("training_data", trainingData);
		m.put("device", device);
		m.put("iterations", iterations);
		m.put("validation_dice", validationDice);
		m.put("stopped", stopped);
		return m;
	}

	public String toJson() {
		return Json.write(toMap());
	}

	/** Reads {@code folder/model.json}, with one-line errors for missing, corrupt or incompatible files. */
	public static ModelInfo read(final Path folder) {
		final Path json = folder.resolve(JSON);
		if (!Files.isDirectory(folder)) throw new NoisyLabelsException("model: " + folder +
			" is not a model folder (expected a folder with model.json and saved_model/)");
		if (!Files.isRegularFile(json)) throw new NoisyLabelsException("model: " + folder +
			" has no model.json: it is not a Noisy Labels model folder");
		final Object parsed;
		try {
			parsed = Json.parse(new String(Files.readAllBytes(json), StandardCharsets.UTF_8));
		}
		catch (final IOException e) {
			throw new NoisyLabelsException("model: cannot read " + json + ": " + e.getMessage());
		}
		catch (final IllegalArgumentException e) {
			throw new NoisyLabelsException("model: " + json + " is corrupt (" + e.getMessage() +
				"): retrain the model or restore the file");
		}
		if (!(parsed instanceof Map)) throw new NoisyLabelsException("model: " + json + " is corrupt (not a JSON object)");
		final Map<?, ?> m = (Map<?, ?>) parsed;
		if (!FORMAT.equals(m.get("format"))) throw new NoisyLabelsException("model: " + json +
			" is not a Noisy Labels model (format '" + m.get("format") + "')");
		final int version = (int) num(m, "format_version", json);
		if (version != FORMAT_VERSION) throw new NoisyLabelsException("model: " + folder + " was written by Noisy Labels " +
			m.get("suite_version") + " in model format " + version + ", but this version (" + suiteVersion() +
			") reads format " + FORMAT_VERSION + ": retrain it or use the matching version");
		try {
			final ModelInfo info = new ModelInfo();
			info.suiteVersion = String.valueOf(m.get("suite_version"));
			info.tensorflowVersion = String.valueOf(m.get("tensorflow_version"));
			info.created = String.valueOf(m.get("created"));
			info.method = String.valueOf(m.get("method"));
			if (m.get("method_parameters") instanceof Map) for (final Map.Entry<?, ?> e : ((Map<?, ?>) m.get(
				"method_parameters")).entrySet()) info.methodParameters.put(String.valueOf(e.getKey()), e.getValue());
			if (m.get("training") instanceof Map) for (final Map.Entry<?, ?> e : ((Map<?, ?>) m.get("training")).entrySet())
				info.training.put(String.valueOf(e.getKey()), e.getValue());
			if (m.get("training_data") instanceof List) for (final Object o : (List<?>) m.get("training_data"))
				info.trainingData.add(String.valueOf(o));
			final Map<?, ?> net = (Map<?, ?>) m.get("network");
			info.depth = (int) num(net, "depth", json);
			info.baseChannels = (int) num(net, "base_channels", json);
			info.batchNorm = Boolean.TRUE.equals(net.get("batch_norm"));
			info.heads = (int) num(net, "heads", json);
			if (net.get("dimensions") != null) {
				info.dimensions = (int) num(net, "dimensions", json);
				if (info.dimensions != 2 && info.dimensions != 3) throw new IllegalArgumentException("dimensions " +
					info.dimensions);
				if (info.dimensions == 3) {
					final List<?> zp = (List<?>) net.get("z_pooling");
					info.zPool = new int[zp.size()];
					for (int i = 0; i < zp.size(); i++) info.zPool[i] = ((Number) zp.get(i)).intValue();
					info.patchDepth = (int) num(m, "patch_depth", json);
					info.zMultiple = (int) num(m, "slice_multiple", json);
					info.zMargin = (int) num(m, "tile_margin_z", json);
					if (info.zMultiple < 1 || info.zMargin < 0 || info.patchDepth < 1) throw new IllegalArgumentException(
						"bad 3D geometry");
				}
			}
			info.networkOutputs = (int) num(net, "network_outputs", json);
			info.classes = (int) num(m, "classes", json);
			info.outputChannels = (int) num(m, "output_channels", json);
			final Map<?, ?> norm = (Map<?, ?>) m.get("normalization");
			info.normalization = String.valueOf(norm.get("type"));
			info.normLow = num(norm, "low", json);
			info.normHigh = num(norm, "high", json);
			info.normalizationObject();
			info.patchSize = (int) num(m, "patch_size", json);
			info.sizeMultiple = (int) num(m, "size_multiple", json);
			info.margin = (int) num(m, "tile_margin", json);
			info.device = String.valueOf(m.get("device"));
			info.iterations = (long) num(m, "iterations", json);
			final Object d = m.get("validation_dice");
			info.validationDice = d instanceof Number ? ((Number) d).doubleValue() : Double.NaN;
			info.stopped = String.valueOf(m.get("stopped"));
			if (info.outputChannels < 1 || info.sizeMultiple < 1 || info.margin < 0) throw new IllegalArgumentException(
				"bad geometry");
			return info;
		}
		catch (final NoisyLabelsException e) {
			throw e;
		}
		catch (final RuntimeException e) {
			throw new NoisyLabelsException("model: " + json + " is corrupt or incomplete (" + e.getMessage() +
				"): retrain the model or restore the file");
		}
	}

	private static double num(final Map<?, ?> m, final String key, final Path json) {
		final Object v = m == null ? null : m.get(key);
		if (!(v instanceof Number)) throw new NoisyLabelsException("model: " + json + " is corrupt or incomplete ('" +
			key + "' is missing): retrain the model or restore the file");
		return ((Number) v).doubleValue();
	}
}
