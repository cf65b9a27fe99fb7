package org.noisylabels.io;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileSaver;
import ij.io.Opener;

/** Reads and writes images (TIFF 8/16/32-bit, single images and stacks; PNG) through ImageJ 1.x. */
public final class ImageFiles {

	private ImageFiles() {}

	/** Opens an image file, or throws a one-line error naming {@code key}. */
	public static ImagePlus open(final File file, final String key) {
		if (file == null) throw new NoisyLabelsException("missing input '" + key + "': give " + key + "=PATH");
		if (!file.exists()) {
			throw new NoisyLabelsException(key + ": file not found: " + file + " (check the path)");
		}
		if (file.isDirectory()) {
			throw new NoisyLabelsException(key + ": " + file + " is a folder, an image file is expected here");
		}
		if (!file.canRead()) throw new NoisyLabelsException(key + ": cannot read " + file + " (permissions)");
		final String path = file.getAbsolutePath();
		final int type = new Opener().getFileType(path);
		ImagePlus imp = null;
		final boolean redirect = IJ.redirectingErrorMessages();
		IJ.redirectErrorMessages(true);
		try {
			final Opener opener = new Opener();
			opener.setSilentMode(true);
			if (type == Opener.TIFF || type == Opener.TIFF_AND_DICOM) {
				imp = opener.openTiff(file.getParent() + File.separator, file.getName());
			}
			else if (type == Opener.PNG || type == Opener.GIF || type == Opener.JPEG || type == Opener.BMP ||
				type == Opener.PGM)
			{
				imp = opener.openImage(path);
			}
			else {
				throw new NoisyLabelsException(key + ": " + file.getName() +
					" is not a supported image (TIFF or PNG expected)");
			}
		}
		catch (final NoisyLabelsException e) {
			throw e;
		}
		catch (final RuntimeException e) {
			imp = null;
		}
		finally {
			IJ.redirectErrorMessages(redirect);
		}
		if (imp == null) {
			throw new NoisyLabelsException(key + ": cannot read " + file + " as an image (corrupt or unsupported TIFF/PNG)");
		}
		if (imp.getNChannels() > 1 || imp.getNFrames() > 1) {
			// treat channels/frames as plain slices: the suite works on 2D images and z-stacks
			imp.setDimensions(1, imp.getStackSize(), 1);
		}
		if (imp.getTitle() == null || imp.getTitle().isEmpty()) imp.setTitle(file.getName());
		return imp;
	}

	/** Saves an image as TIFF (.tif, .tiff) or PNG (.png, single 2D images) at a temporary path. */
	public static void write(final ImagePlus imp, final Path path) throws IOException {
		final String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
		final FileSaver saver = new FileSaver(imp);
		final boolean ok;
		if (name.endsWith(".tif") || name.endsWith(".tiff")) {
			ok = imp.getStackSize() > 1 ? saver.saveAsTiffStack(path.toString()) : saver.saveAsTiff(path.toString());
		}
		else if (name.endsWith(".png")) {
			if (imp.getStackSize() > 1) throw new IOException("PNG holds one 2D image: use .tif for stacks");
			ok = saver.saveAsPng(path.toString());
		}
		else {
			throw new IOException("unknown image format: use a .tif or .png file name");
		}
		if (!ok || !Files.exists(path)) throw new IOException("ImageJ could not save the image");
	}

	/** Saves an image atomically (no partial file on failure). */
	public static void save(final ImagePlus imp, final File file) {
		AtomicFiles.write(file.toPath(), tmp -> write(imp, tmp));
	}

	/** Checks an output path's extension and folder before any work is done. */
	public static void checkImagePath(final Path path, final String key) {
		final String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
		if (!(name.endsWith(".tif") || name.endsWith(".tiff") || name.endsWith(".png"))) {
			throw new NoisyLabelsException(key + "=" + path + ": an image output needs a .tif or .png file name");
		}
		AtomicFiles.checkWritable(path, key);
	}

	/** "W×H" or "W×H×D" for messages. */
	public static String dims(final ImagePlus imp) {
		return imp.getWidth() + "×" + imp.getHeight() + (imp.getStackSize() > 1 ? "×" + imp.getStackSize() : "");
	}
}
