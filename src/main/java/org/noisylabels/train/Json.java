package org.noisylabels.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A minimal JSON reader/writer for model.json (objects, arrays, strings, numbers, booleans, null). */
public final class Json {

	private Json() {}

	/** Writes maps, lists, arrays, strings, numbers, booleans and null as indented JSON. */
	public static String write(final Object value) {
		final StringBuilder sb = new StringBuilder();
		write(sb, value, "");
		return sb.append('\n').toString();
	}

	private static void write(final StringBuilder sb, final Object v, final String indent) {
		if (v == null) sb.append("null");
		else if (v instanceof String) quote(sb, (String) v);
		else if (v instanceof Boolean) sb.append(v);
		else if (v instanceof Double || v instanceof Float) {
			final double d = ((Number) v).doubleValue();
			if (Double.isNaN(d) || Double.isInfinite(d)) sb.append("null");
			else if (d == Math.rint(d) && Math.abs(d) < 1e15) sb.append((long) d);
			else sb.append(d);
		}
		else if (v instanceof Number) sb.append(v);
		else if (v instanceof Map) {
			final Map<?, ?> m = (Map<?, ?>) v;
			if (m.isEmpty()) {
				sb.append("{}");
				return;
			}
			sb.append("{\n");
			int i = 0;
			for (final Map.Entry<?, ?> e : m.entrySet()) {
				sb.append(indent).append('\t');
				quote(sb, String.valueOf(e.getKey()));
				sb.append(": ");
				write(sb, e.getValue(), indent + "\t");
				sb.append(++i < m.size() ? ",\n" : "\n");
			}
			sb.append(indent).append('}');
		}
		else if (v instanceof Iterable || v.getClass().isArray()) {
			final List<Object> l = new ArrayList<>();
			if (v instanceof Iterable) for (final Object o : (Iterable<?>) v) l.add(o);
			else for (int i = 0; i < java.lang.reflect.Array.getLength(v); i++) l.add(java.lang.reflect.Array.get(v, i));
			sb.append('[');
			for (int i = 0; i < l.size(); i++) {
				if (i > 0) sb.append(", ");
				write(sb, l.get(i), indent);
			}
			sb.append(']');
		}
		else quote(sb, v.toString());
	}

	private static void quote(final StringBuilder sb, final String s) {
		sb.append('"');
		for (int i = 0; i < s.length(); i++) {
			final char c = s.charAt(i);
			switch (c) {
				case '"':
					sb.append("\\\"");
					break;
				case '\\':
					sb.append("\\\\");
					break;
				case '\n':
					sb.append("\\n");
					break;
				case '\r':
					sb.append("\\r");
					break;
				case '\t':
					sb.append("\\t");
					break;
				default:
					if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
					else sb.append(c);
			}
		}
		sb.append('"');
	}

	/** Parses JSON text; throws IllegalArgumentException with a position on malformed input. */
	public static Object parse(final String text) {
		final Json.Parser p = new Json.Parser(text);
		p.ws();
		final Object v = p.value();
		p.ws();
		if (p.i != text.length()) throw p.error("unexpected text after the end");
		return v;
	}

	private static final class Parser {

		final String s;
		int i;

		Parser(final String s) {
			this.s = s;
		}

		IllegalArgumentException error(final String what) {
			return new IllegalArgumentException(what + " at character " + i);
		}

		void ws() {
			while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
		}

		Object value() {
			if (i >= s.length()) throw error("unexpected end");
			final char c = s.charAt(i);
			if (c == '{') {
				i++;
				final Map<String, Object> m = new LinkedHashMap<>();
				ws();
				if (peek('}')) return m;
				while (true) {
					ws();
					if (i >= s.length() || s.charAt(i) != '"') throw error("expected a key");
					final String k = string();
					ws();
					expect(':');
					ws();
					m.put(k, value());
					ws();
					if (peek('}')) return m;
					expect(',');
				}
			}
			if (c == '[') {
				i++;
				final List<Object> l = new ArrayList<>();
				ws();
				if (peek(']')) return l;
				while (true) {
					ws();
					l.add(value());
					ws();
					if (peek(']')) return l;
					expect(',');
				}
			}
			if (c == '"') return string();
			if (s.startsWith("true", i)) {
				i += 4;
				return Boolean.TRUE;
			}
			if (s.startsWith("false", i)) {
				i += 5;
				return Boolean.FALSE;
			}
			if (s.startsWith("null", i)) {
				i += 4;
				return null;
			}
			final int start = i;
			while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) i++;
			if (start == i) throw error("unexpected character '" + c + "'");
			try {
				return Double.parseDouble(s.substring(start, i));
			}
			catch (final NumberFormatException e) {
				throw error("bad number");
			}
		}

		boolean peek(final char c) {
			if (i < s.length() && s.charAt(i) == c) {
				i++;
				return true;
			}
			return false;
		}

		void expect(final char c) {
			if (!peek(c)) throw error("expected '" + c + "'");
		}

		String string() {
			i++;
			final StringBuilder sb = new StringBuilder();
			while (i < s.length()) {
				final char c = s.charAt(i++);
				if (c == '"') return sb.toString();
				if (c == '\\') {
					if (i >= s.length()) break;
					final char e = s.charAt(i++);
					switch (e) {
						case 'n':
							sb.append('\n');
							break;
						case 't':
							sb.append('\t');
							break;
						case 'r':
							sb.append('\r');
							break;
						case 'b':
							sb.append('\b');
							break;
						case 'f':
							sb.append('\f');
							break;
						case 'u':
							if (i + 4 > s.length()) throw error("bad escape");
							sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
							i += 4;
							break;
						default:
							sb.append(e);
					}
				}
				else sb.append(c);
			}
			throw error("unterminated string");
		}
	}
}
