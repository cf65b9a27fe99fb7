package org.noisylabels.train;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;

/**
 * model.json and the run state as plain Java values (maps, lists, strings, numbers, booleans, null), read
 * and written with Gson. Numbers are read as {@link Double}; NaN and infinite numbers are written as null,
 * whole numbers without a fraction.
 */
public final class Json {

	private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls()
		.create();

	private Json() {}

	/** Writes maps, lists, arrays, strings, numbers, booleans and null as indented JSON (one trailing newline). */
	public static String write(final Object value) {
		return GSON.toJson(element(value)) + "\n";
	}

	private static JsonElement element(final Object v) {
		if (v == null) return JsonNull.INSTANCE;
		if (v instanceof String) return new JsonPrimitive((String) v);
		if (v instanceof Boolean) return new JsonPrimitive((Boolean) v);
		if (v instanceof Double || v instanceof Float) {
			final double d = ((Number) v).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) return JsonNull.INSTANCE;
			return d == Math.rint(d) && Math.abs(d) < 1e15 ? new JsonPrimitive((long) d) : new JsonPrimitive(d);
		}
		if (v instanceof Number) return new JsonPrimitive((Number) v);
		if (v instanceof Map) {
			final JsonObject o = new JsonObject();
			for (final Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) o.add(String.valueOf(e.getKey()), element(e.getValue()));
			return o;
		}
		if (v instanceof Iterable || v.getClass().isArray()) {
			final JsonArray a = new JsonArray();
			if (v instanceof Iterable) for (final Object o : (Iterable<?>) v) a.add(element(o));
			else for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) a.add(element(java.lang.reflect.Array.get(v,
				i)));
			return a;
		}
		return new JsonPrimitive(v.toString());
	}

	/**
	 * Parses JSON text strictly (one value, nothing after it); throws IllegalArgumentException with Gson's
	 * description of the position on malformed input.
	 */
	public static Object parse(final String text) {
		try (JsonReader reader = new JsonReader(new StringReader(text))) {
			reader.setLenient(false);
			final JsonElement e = GSON.getAdapter(JsonElement.class).read(reader);
			if (reader.peek() != JsonToken.END_DOCUMENT) throw new IllegalArgumentException(
				"unexpected text after the end of the JSON value");
			return value(e);
		}
		catch (final IOException | RuntimeException e) {
			if (e instanceof IllegalArgumentException) throw (IllegalArgumentException) e;
			throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
		}
	}

	private static Object value(final JsonElement e) {
		if (e == null || e.isJsonNull()) return null;
		if (e.isJsonObject()) {
			final Map<String, Object> m = new LinkedHashMap<>();
			for (final Map.Entry<String, JsonElement> x : e.getAsJsonObject().entrySet()) m.put(x.getKey(), value(x
				.getValue()));
			return m;
		}
		if (e.isJsonArray()) {
			final List<Object> l = new ArrayList<>();
			for (final JsonElement x : e.getAsJsonArray()) l.add(value(x));
			return l;
		}
		final JsonPrimitive p = e.getAsJsonPrimitive();
		if (p.isBoolean()) return p.getAsBoolean();
		if (p.isNumber()) return p.getAsDouble();
		return p.getAsString();
	}
}
