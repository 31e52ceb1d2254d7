/*
 * rust_names.c: Rust's v0 symbol mangling read back into a path (see
 * rust_names.h).
 *
 * A v0 symbol is "_R", a path, and optionally the crate that instantiated
 * it.  A path is a crate root (C), a nested name (N: a namespace letter,
 * the parent path, an identifier), an inherent impl (M: <Type>), a trait
 * impl (X: <Type as Trait>), a trait definition (Y), generic arguments (I
 * ... E), or a back reference (B) to a path or type met earlier in the
 * symbol.  Types are one-letter basic types, paths, references, pointers,
 * arrays, slices, tuples, fn pointers and dyn traits.  The reader is a
 * recursive descent over that grammar that writes as it goes; anything it
 * does not know (or a back reference that does not point backwards) ends
 * it with false, and the caller keeps the symbol as it is.  Hashes
 * (crate disambiguators) are left out, as they are noise in a report.
 */
#include "rust_names.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct reader {
	const char *s;   /* the symbol after "_R" */
	size_t n, at;    /* its length, the position read */
	char *out;
	size_t len, used;
	int depth;       /* of recursion: bounded, back references included */
	bool ok;
};

static bool fail(struct reader *r)
{
	r->ok = false;
	return false;
}

static char peek(const struct reader *r)
{
	return r->at < r->n ? r->s[r->at] : '\0';
}

static bool eat(struct reader *r, char c)
{
	if (peek(r) != c)
		return false;
	r->at++;
	return true;
}

static void put_n(struct reader *r, const char *p, size_t n)
{
	if (r->used + n >= r->len) {
		fail(r);
		return;
	}
	memcpy(r->out + r->used, p, n);
	r->used += n;
	r->out[r->used] = '\0';
}

static void put(struct reader *r, const char *p)
{
	put_n(r, p, strlen(p));
}

/* base-62-number: digits then '_'; "_" is 0, else the value plus 1. */
static bool base62(struct reader *r, uint64_t *v)
{
	if (eat(r, '_')) {
		*v = 0;
		return true;
	}
	uint64_t x = 0;
	for (char c; (c = peek(r)) != '_'; r->at++) {
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'z' ? c - 'a' + 10
			: c >= 'A' && c <= 'Z' ? c - 'A' + 36 : -1;
		if (d < 0 || x > UINT64_MAX / 62)
			return fail(r);
		x = x * 62 + (uint64_t)d;
	}
	r->at++;
	*v = x + 1;
	return true;
}

static bool decimal(struct reader *r, uint64_t *v)
{
	if (peek(r) < '0' || peek(r) > '9')
		return fail(r);
	uint64_t x = 0;
	while (peek(r) >= '0' && peek(r) <= '9') {
		if (x > (UINT64_MAX - 9) / 10)
			return fail(r);
		x = x * 10 + (uint64_t)(r->s[r->at++] - '0');
	}
	*v = x;
	return true;
}

/* [s base62] : a disambiguator, its value (0 without one). */
static bool disambiguator(struct reader *r, uint64_t *v)
{
	*v = 0;
	return !eat(r, 's') || base62(r, v);
}

/* ["u"] decimal ["_"] bytes; punycode ("u") is left as it is written. */
static bool identifier(struct reader *r, const char **p, size_t *n)
{
	eat(r, 'u');
	uint64_t len;
	if (!decimal(r, &len))
		return false;
	eat(r, '_');
	if (len > r->n - r->at)
		return fail(r);
	*p = r->s + r->at;
	*n = (size_t)len;
	r->at += (size_t)len;
	return true;
}

static bool path(struct reader *r);
static bool type(struct reader *r);

/* B base62: read what starts there, then come back. */
static bool backref(struct reader *r, bool (*what)(struct reader *))
{
	size_t start = r->at - 1;
	uint64_t to;
	if (!base62(r, &to) || to >= start)
		return fail(r);
	size_t back = r->at;
	r->at = (size_t)to;
	bool ok = what(r);
	r->at = back;
	return ok;
}

static const char *basic_type(char c)
{
	switch (c) {
	case 'a': return "i8";
	case 'b': return "bool";
	case 'c': return "char";
	case 'd': return "f64";
	case 'e': return "str";
	case 'f': return "f32";
	case 'h': return "u8";
	case 'i': return "isize";
	case 'j': return "usize";
	case 'l': return "i32";
	case 'm': return "u32";
	case 'n': return "i128";
	case 'o': return "u128";
	case 's': return "i16";
	case 't': return "u16";
	case 'u': return "()";
	case 'v': return "...";
	case 'x': return "i64";
	case 'y': return "u64";
	case 'z': return "!";
	case 'p': return "_";
	default: return NULL;
	}
}

static bool lifetime_opt(struct reader *r)
{
	uint64_t v;
	return !eat(r, 'L') || base62(r, &v);
}

/* A const generic: its type and hex digits (shown in hex), or _. */
static bool constant(struct reader *r)
{
	if (eat(r, 'p')) {
		put(r, "_");
		return r->ok;
	}
	if (eat(r, 'B'))
		return backref(r, constant);
	if (!basic_type(peek(r)))
		return fail(r);
	r->at++;
	if (eat(r, 'n'))
		put(r, "-");
	put(r, "0x");
	size_t from = r->at;
	while (peek(r) && peek(r) != '_')
		r->at++;
	put_n(r, r->s + from, r->at - from);
	return eat(r, '_') ? r->ok : fail(r);
}

static bool types_until_e(struct reader *r, const char *sep)
{
	for (bool first = true; !eat(r, 'E'); first = false) {
		if (!first)
			put(r, sep);
		if (!r->ok || r->at >= r->n || !type(r))
			return fail(r);
	}
	return r->ok;
}

static bool binder_opt(struct reader *r)
{
	uint64_t v;
	return !eat(r, 'G') || base62(r, &v);
}

static bool fn_type(struct reader *r)
{
	if (!binder_opt(r))
		return false;
	if (eat(r, 'U'))
		put(r, "unsafe ");
	if (eat(r, 'K')) {
		const char *p;
		size_t n;
		put(r, "extern \"");
		if (eat(r, 'C'))
			put(r, "C");
		else if (identifier(r, &p, &n))
			put_n(r, p, n);
		else
			return false;
		put(r, "\" ");
	}
	put(r, "fn(");
	if (!types_until_e(r, ", "))
		return false;
	put(r, ") -> ");
	return type(r);
}

static bool dyn_type(struct reader *r)
{
	if (!binder_opt(r))
		return false;
	put(r, "dyn ");
	for (bool first = true; !eat(r, 'E'); first = false) {
		if (!first)
			put(r, " + ");
		if (!r->ok || r->at >= r->n || !path(r))
			return fail(r);
		while (eat(r, 'p')) { /* an associated type's binding */
			const char *p;
			size_t n;
			if (!identifier(r, &p, &n))
				return false;
			put(r, "<");
			put_n(r, p, n);
			put(r, " = ");
			if (!type(r))
				return false;
			put(r, ">");
		}
	}
	return lifetime_opt(r);
}

static bool type(struct reader *r)
{
	if (++r->depth > 64)
		return fail(r);
	char c = peek(r);
	const char *basic = basic_type(c);
	bool ok = true;
	if (basic) {
		r->at++;
		put(r, basic);
	} else if (eat(r, 'R') || eat(r, 'Q')) {
		put(r, c == 'R' ? "&" : "&mut ");
		ok = lifetime_opt(r) && type(r);
	} else if (eat(r, 'P') || eat(r, 'O')) {
		put(r, c == 'P' ? "*const " : "*mut ");
		ok = type(r);
	} else if (eat(r, 'A')) {
		put(r, "[");
		ok = type(r);
		put(r, "; ");
		ok = ok && constant(r);
		put(r, "]");
	} else if (eat(r, 'S')) {
		put(r, "[");
		ok = type(r);
		put(r, "]");
	} else if (eat(r, 'T')) {
		put(r, "(");
		ok = types_until_e(r, ", ");
		put(r, ")");
	} else if (eat(r, 'F')) {
		ok = fn_type(r);
	} else if (eat(r, 'D')) {
		ok = dyn_type(r);
	} else if (eat(r, 'B')) {
		ok = backref(r, type);
	} else {
		ok = path(r);
	}
	r->depth--;
	return ok && r->ok;
}

static bool generic_args(struct reader *r)
{
	put(r, "<");
	for (bool first = true; !eat(r, 'E'); first = false) {
		if (!first)
			put(r, ", ");
		if (!r->ok || r->at >= r->n)
			return fail(r);
		if (eat(r, 'L')) {
			uint64_t v;
			if (!base62(r, &v))
				return false;
			put(r, "'_");
		} else if (eat(r, 'K')) {
			if (!constant(r))
				return false;
		} else if (!type(r)) {
			return false;
		}
	}
	put(r, ">");
	return r->ok;
}

/* N: a namespace, the parent path, the name.  Lower-case namespaces are
 * Rust's own (types, values); upper-case ones are the compiler's:
 * closures (C) and shims (S), numbered by their disambiguator. */
static bool nested(struct reader *r)
{
	char ns = peek(r);
	if (!((ns >= 'a' && ns <= 'z') || (ns >= 'A' && ns <= 'Z')))
		return fail(r);
	r->at++;
	if (!path(r))
		return false;
	uint64_t dis;
	const char *p;
	size_t n;
	if (!disambiguator(r, &dis) || !identifier(r, &p, &n))
		return false;
	put(r, "::");
	if (ns >= 'a' && ns <= 'z') {
		put_n(r, p, n);
		return r->ok;
	}
	char num[32];
	snprintf(num, sizeof(num), "#%llu}", (unsigned long long)dis);
	put(r, ns == 'C' ? "{closure" : ns == 'S' ? "{shim" : "{");
	if (n > 0) {
		put(r, ":");
		put_n(r, p, n);
	}
	put(r, num);
	return r->ok;
}

static bool path(struct reader *r)
{
	if (++r->depth > 64)
		return fail(r);
	uint64_t dis;
	const char *p;
	size_t n;
	bool ok;
	if (eat(r, 'C')) {
		ok = disambiguator(r, &dis) && identifier(r, &p, &n);
		if (ok)
			put_n(r, p, n);
	} else if (eat(r, 'N')) {
		ok = nested(r);
	} else if (eat(r, 'M')) {
		size_t skip = r->used;
		ok = disambiguator(r, &dis) && path(r); /* the impl's own path: not shown */
		r->used = skip;
		put(r, "<");
		ok = ok && type(r);
		put(r, ">");
	} else if (eat(r, 'X')) {
		size_t skip = r->used;
		ok = disambiguator(r, &dis) && path(r);
		r->used = skip;
		put(r, "<");
		ok = ok && type(r);
		put(r, " as ");
		ok = ok && path(r);
		put(r, ">");
	} else if (eat(r, 'Y')) {
		put(r, "<");
		ok = type(r);
		put(r, " as ");
		ok = ok && path(r);
		put(r, ">");
	} else if (eat(r, 'I')) {
		ok = path(r) && generic_args(r);
	} else if (eat(r, 'B')) {
		ok = backref(r, path);
	} else {
		ok = fail(r);
	}
	r->depth--;
	return ok && r->ok;
}

bool rust_name(const char *symbol, char *out, size_t len)
{
	if (!symbol || strncmp(symbol, "_R", 2) != 0 || len == 0)
		return false;
	struct reader r = { .s = symbol + 2, .n = strlen(symbol + 2), .out = out, .len = len,
			    .ok = true };
	out[0] = '\0';
	/* An encoding version would come first as a decimal: none exists yet. */
	if (r.n == 0 || (peek(&r) >= '0' && peek(&r) <= '9') || !path(&r))
		return false;
	/* The instantiating crate, if any, is not shown. */
	size_t shown = r.used;
	if (r.at < r.n && peek(&r) != '.' && peek(&r) != '$' && !path(&r))
		return false;
	r.used = shown;
	out[shown] = '\0';
	return r.at == r.n || peek(&r) == '.' || peek(&r) == '$';
}
