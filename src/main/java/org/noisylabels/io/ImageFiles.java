package org.noisylabels.io;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

import org.noisylabels.NoisyLabelsException;

import ij.IJ;
import ij.ImagePlus;
import ij.io.FileInfo;
import ij.io.FileSaver;
import ij.io.Opener;
import ij.io.TiffDecoder;

/** Reads and writes images (TIFF 8/16/32-bit, single images and stacks; PNG) through ImageJ 1.x. */
public final class ImageFiles {

	private ImageFiles() {}

	/** Whether a file name is one of the suite's image files: .tif, .tiff or .png (any case), not hidden. */
	public static boolean isImageName(final String name) {
		final String l = name.toLowerCase(Locale.ROOT);
		return !name.startsWith(".") && (l.endsWith(".tif") || l.endsWith(".tiff") || l.endsWith(".png"));
	}

	/**
	 * The image files of a folder ({@link #isImageName}), sorted by name; empty when there are none, null
	 * when {@code folder} is null or not a readable folder (callers say what they expected).
	 */
	public static File[] imagesIn(final File folder) {
		if (folder == null || !folder.isDirectory()) return null;
		final File[] files = folder.listFiles((dir, n) -> isImageName(n));
		if (files != null) Arrays.sort(files);
		return files;
	}

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
				// the absolute parent: a bare file name ("gt.tif") has no parent of its own
				imp = opener.openTiff(file.getAbsoluteFile().getParent() + File.separator, file.getName());
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
		if (type == Opener.TIFF || type == Opener.TIFF_AND_DICOM) requireComplete(file, key);
		if (imp.getNChannels() > 1) {
			throw new NoisyLabelsException(key + ": " + file.getName() + " has " + imp.getNChannels() +
				" channels: one channel is expected; split it (Image > Color > Split Channels) and give one channel");
		}
		if (imp.getNFrames() > 1 && imp.getNSlices() > 1) {
			throw new NoisyLabelsException(key + ": " + file.getName() + " has " + imp.getNSlices() + " slices in each of " +
				imp.getNFrames() + " time frames: give one z-stack or one time series (Image > Hyperstacks > Reduce Dimensionality)");
		}
		if (imp.getNFrames() > 1) {
			// a time series of 2D images: its frames are the slices
			imp.setDimensions(1, imp.getStackSize(), 1);
		}
		if (imp.getTitle() == null || imp.getTitle().isEmpty()) imp.setTitle(file.getName());
		return imp;
	}

	/**
	 * Refuses a TIFF whose pixel data reach beyond the end of the file: ImageJ reads such a file without
	 * complaint and fills the missing part with zeros.
	 */
	static void requireComplete(final File file, final String key) {
		final FileInfo[] infos;
		try {
			infos = new TiffDecoder(file.getAbsoluteFile().getParent() + File.separator, file.getName()).getTiffInfo();
		}
		catch (final IOException | RuntimeException e) {
			throw new NoisyLabelsException(key + ": cannot read " + file + " as an image (corrupt TIFF: " + e.getMessage() +
				")");
		}
		if (infos == null || infos.length == 0) throw new NoisyLabelsException(key + ": cannot read " + file +
			" as an image (corrupt TIFF: no image directory)");
		long needed = 0;
		for (final FileInfo fi : infos) needed = Math.max(needed, dataEnd(fi));
		final long length = file.length();
		if (needed > length) {
			throw new NoisyLabelsException(key + ": " + file + " is truncated or corrupt: its pixel data need " + needed +
				" bytes but the file has " + length + "; copy or save it again");
		}
	}

	/** The byte just past the last pixel data of one TIFF directory. */
	private static long dataEnd(final FileInfo fi) {
		long end = 0;
		if (fi.stripOffsets != null && fi.stripLengths != null) {
			for (int i = 0; i < Math.min(fi.stripOffsets.length, fi.stripLengths.length); i++) {
				end = Math.max(end, (fi.stripOffsets[i] & 0xffffffffL) + (fi.stripLengths[i] & 0xffffffffL));
			}
		}
		final long image = imageBytes(fi);
		if (fi.compression <= FileInfo.COMPRESSION_NONE && image > 0) {
			// uncompressed: the bytes of every image (ImageJ stacks: nImages, with gaps)
			final long n = Math.max(1, fi.nImages);
			end = Math.max(end, fi.getOffset() + n * image + (n - 1) * Math.max(0, fi.gapBetweenImages));
		}
		return end;
	}

	/** The bytes of one uncompressed image of the common pixel types; 0 for the others (not checked). */
	private static long imageBytes(final FileInfo fi) {
		final long n = (long) fi.width * fi.height;
		switch (fi.fileType) {
			case FileInfo.GRAY8:
			case FileInfo.COLOR8:
				return n;
			case FileInfo.GRAY16_SIGNED:
			case FileInfo.GRAY16_UNSIGNED:
				return 2 * n;
			case FileInfo.GRAY32_INT:
			case FileInfo.GRAY32_UNSIGNED:
			case FileInfo.GRAY32_FLOAT:
				return 4 * n;
			case FileInfo.RGB:
				return 3 * n;
			case FileInfo.BITMAP:
				return (long) ((fi.width + 7) / 8) * fi.height;
			default:
				return 0;
		}
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
