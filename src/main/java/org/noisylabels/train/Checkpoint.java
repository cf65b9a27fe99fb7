package org.noisylabels.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.noisylabels.NoisyLabelsException;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * The trainer's "last good" checkpoint, kept in Java memory: a copy of every variable of the graph
 * (network weights, batch-norm statistics, EMA teacher, optimizer slots, method variables).
 * <p>
 * This replaces {@code Session.save/restore} to a temporary folder, which in TensorFlow Java 1.1.0 leaves
 * native memory behind at every save (about 9 MB per save for the default U-Net with Adam, measured by
 * bench/SoakBench with a save every 100 steps). Here a save is one session run that fetches the variables
 * and copies them into float arrays (the fetched tensors may share the variables' buffers, which the
 * optimizer updates in place, so they are copied at once and closed); a restore feeds them back through
 * one group of assign ops. All variables of the suite are float32; another type is a programming error.
 */
final class Checkpoint {

	private final List<Output<TFloat32>> variables = new ArrayList<>();
	private final List<Placeholder<TFloat32>> feeds = new ArrayList<>();
	private final List<Shape> shapes = new ArrayList<>();
	private final List<String> names = new ArrayList<>();
	private final Op restore;
	private float[][] values;

	/** Builds the restore ops for every variable now in {@code graph}. Call after the graph is complete. */
	@SuppressWarnings("unchecked")
	Checkpoint(final Graph graph, final Ops tf) {
		final List<GraphOperation> vars = new ArrayList<>();
		for (final Iterator<GraphOperation> it = graph.operations(); it.hasNext();) {
			final GraphOperation op = it.next();
			if ("VariableV2".equals(op.type())) vars.add(op);
		}
		final Ops c = tf.withSubScope("checkpoint");
		final List<Op> assigns = new ArrayList<>();
		for (final GraphOperation op : vars) {
			final Output<?> v = op.output(0);
			if (v.type() != TFloat32.class) throw new IllegalStateException("checkpoint: variable " + op.name() +
				" is not float32");
			final Output<TFloat32> fv = (Output<TFloat32>) v;
			final Shape shape = fv.shape();
			if (shape.hasUnknownDimension()) throw new IllegalStateException("checkpoint: variable " + op.name() +
				" has no static shape");
			final Placeholder<TFloat32> p = c.placeholder(TFloat32.class, Placeholder.shape(shape));
			variables.add(fv);
			names.add(op.name());
			feeds.add(p);
			shapes.add(shape);
			assigns.add(c.assign(fv, p));
		}
		restore = c.withControlDependencies(assigns).withName("restore").noOp();
	}

	/** Copies the current value of every variable. */
	void save(final Session session) {
		values = snapshot(session);
	}

	/** The current value of every variable (a copy, in graph order). */
	float[][] snapshot(final Session session) {
		final Session.Runner r = session.runner();
		for (final Operand<TFloat32> v : variables) r.fetch(v);
		final float[][] copy = new float[variables.size()][];
		try (Result res = r.run()) {
			for (int i = 0; i < copy.length; i++) {
				copy[i] = new float[(int) shapes.get(i).size()];
				((TFloat32) res.get(i)).copyTo(DataBuffers.of(copy[i], false, false));
			}
		}
		return copy;
	}

	/** Makes {@code v} the saved values (e.g. the best weights of a resumed run); checked like {@link #load}. */
	void set(final float[][] v, final String what) {
		check(v, what);
		values = v;
	}

	/** Sets every variable to {@code v} (same order and sizes as {@link #snapshot}). */
	void load(final Session session, final float[][] v, final String what) {
		check(v, what);
		final float[][] keep = values;
		values = v;
		try {
			restore(session);
		}
		finally {
			values = keep;
		}
	}

	private void check(final float[][] v, final String what) {
		if (v.length != shapes.size()) throw new NoisyLabelsException(what + " holds " + v.length +
			" variables but this network has " + shapes.size() + ": resume with the same method and network keys as the first run");
		for (int i = 0; i < v.length; i++)
			if (v[i].length != shapes.get(i).size()) throw new NoisyLabelsException(what + ": variable " + names.get(i) +
				" has " + v[i].length + " values, this network " + shapes.get(i).size() +
				": resume with the same method and network keys as the first run");
	}

	/** Writes values in graph order: count, then per variable its name, size and floats. */
	void write(final float[][] v, final Path file) throws IOException {
		try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
			out.writeInt(MAGIC);
			out.writeInt(v.length);
			for (int i = 0; i < v.length; i++) {
				out.writeUTF(names.get(i));
				out.writeInt(v[i].length);
				for (final float f : v[i]) out.writeFloat(f);
			}
		}
	}

	/** Reads a file of {@link #write}, checking the names and sizes against this graph. */
	float[][] read(final Path file) {
		try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
			if (in.readInt() != MAGIC) throw new NoisyLabelsException("resume: " + file + " is not a training checkpoint");
			final int n = in.readInt();
			if (n != names.size()) throw new NoisyLabelsException("resume: " + file + " holds " + n +
				" variables but this network has " + names.size() +
				": resume with the same method and network keys as the first run");
			final float[][] v = new float[n][];
			for (int i = 0; i < n; i++) {
				final String name = in.readUTF();
				final int size = in.readInt();
				if (!name.equals(names.get(i)) || size != shapes.get(i).size()) throw new NoisyLabelsException("resume: " +
					file + " has variable " + name + " (" + size + " values) where this network has " + names.get(i) + " (" +
					shapes.get(i).size() + "): resume with the same method and network keys as the first run");
				v[i] = new float[size];
				for (int k = 0; k < size; k++) v[i][k] = in.readFloat();
			}
			return v;
		}
		catch (final IOException e) {
			throw new NoisyLabelsException("resume: cannot read " + file + " (" + e.getMessage() +
				"): the checkpoint is incomplete; train again without resume");
		}
	}

	private static final int MAGIC = 0x4e4c434b; // "NLCK"

	/** The values of the last {@link #save} (not a copy), or null. */
	float[][] values() {
		return values;
	}

	/** Whether {@link #save} ran at least once. */
	boolean saved() {
		return values != null;
	}

	/** Sets every variable back to the values of the last {@link #save}. */
	void restore(final Session session) {
		if (values == null) throw new IllegalStateException("checkpoint: nothing saved");
		final List<TFloat32> tensors = new ArrayList<>();
		try {
			final Session.Runner r = session.runner();
			for (int i = 0; i < values.length; i++) {
				final TFloat32 t = TFloat32.tensorOf(shapes.get(i), DataBuffers.of(values[i], true, false));
				tensors.add(t);
				r.feed(feeds.get(i), t);
			}
			r.addTarget(restore).run().close();
		}
		finally {
			for (final TFloat32 t : tensors) t.close();
		}
	}

	/** Number of variables covered (for tests). */
	int size() {
		return variables.size();
	}
}
