package org.noisylabels.io;

import java.io.File;

import org.scijava.convert.AbstractConverter;
import org.scijava.convert.Converter;
import org.scijava.plugin.Plugin;

import ij.ImagePlus;

/**
 * Turns a file path given to an image input (a macro's {@code label=/data/gt.tif}, Fiji's
 * {@code --headless --run "Title" 'label="/data/gt.tif"'}) into the image. Fiji looks up image titles and
 * IDs first (imagej-legacy's converter, priority 0); this converter comes next, before SciJava's
 * last-resort {@code new ImagePlus(String)} that turns anything unknown into an empty 0&times;0 image.
 * A value that is neither an open image nor a readable image file becomes an empty image that carries the
 * value in its property {@link #SOURCE}, so that the command can say which key, which path or title, and
 * that it does not exist.
 */
@Plugin(type = Converter.class, priority = -100)
public class StringToImagePlusConverter extends AbstractConverter<String, ImagePlus> {

	/** Property of an unresolved image: the value that was given. */
	public static final String SOURCE = "noisylabels.source";

	@Override
	public boolean canConvert(final Object src, final Class<?> dest) {
		return src instanceof String && dest != null && dest.isAssignableFrom(ImagePlus.class) && !((String) src)
			.trim().isEmpty();
	}

	@Override
	public <T> T convert(final Object src, final Class<T> dest) {
		if (!canConvert(src, dest)) return null;
		final String s = ((String) src).trim();
		ImagePlus imp;
		final File f = new File(s);
		try {
			imp = f.isFile() ? ImageFiles.open(f, "image") : null;
		}
		catch (final RuntimeException e) {
			imp = null;
		}
		if (imp == null) {
			imp = new ImagePlus();
			imp.setTitle(s);
			imp.setProperty(SOURCE, s);
		}
		@SuppressWarnings("unchecked")
		final T t = (T) imp;
		return t;
	}

	@Override
	public Class<ImagePlus> getOutputType() {
		return ImagePlus.class;
	}

	@Override
	public Class<String> getInputType() {
		return String.class;
	}
}
