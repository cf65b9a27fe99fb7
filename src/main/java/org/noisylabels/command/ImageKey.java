package org.noisylabels.command;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter as an image key: the title of an open image, a file path, or
 * {@code none} (the default). In Fiji's dialog it is a choice of "none" and the open images' titles; in a
 * macro it takes a title, a path or {@code none}; on the command line a path or {@code none}. The command
 * resolves it with {@link NoisyLabelsCommand#image(String)}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface ImageKey {

	/** No dialog default: the dialog starts at "none". */
	String NONE = "";
	/** The dialog starts at the active image. */
	String ACTIVE = "active";
	/** The dialog starts at an open image other than the active one. */
	String OTHER = "other";

	/** What the dialog shows first: {@link #NONE}, {@link #ACTIVE} or {@link #OTHER}. */
	String value() default NONE;
}
