/*
 * The replay driver: a main() for a fuzz target built without libFuzzer
 * (any compiler). It calls LLVMFuzzerInitialize once (when the target has
 * one), then LLVMFuzzerTestOneInput on every regular file of the
 * directories (or files) given, in name order, so that the checked-in
 * corpora and crash regressions run in the normal build, under ASan+UBSan
 * and under valgrind.
 *
 *   build/tests/fuzz/fuzz_replay_posting tests/fuzz/corpus/posting tests/fuzz/regressions/posting
 *
 * Exits 0 after printing "replayed N inputs"; a target's failed invariant
 * aborts (the input's name is printed first). An argument that does not
 * exist or cannot be read is an error (exit 2).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Optional, as for libFuzzer: the targets that need no set-up leave it out. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	uint8_t *data = malloc(cap);
	size_t n;
	while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			uint8_t *grown = realloc(data, cap * 2);
			if (!grown) {
				free(data);
				data = NULL;
				break;
			}
			data = grown;
			cap *= 2;
		}
	}
	fclose(f);
	if (!data) {
		fprintf(stderr, "replay: out of memory reading %s\n", path);
		return -1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, len);
	/* An exact-size copy, so that ASan sees a read past the input's end. */
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(data);
		return -1;
	}
	memcpy(exact, data, len);
	free(data);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays every regular file of `dir`, in name order; the count, or -1. */
static int replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: cannot open the directory %s\n", dir);
		return -1;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 64;
			char **grown = realloc(names, cap * sizeof *names);
			if (!grown)
				break;
			names = grown;
		}
		size_t n = strlen(dir) + strlen(e->d_name) + 2;
		names[count] = malloc(n);
		if (!names[count])
			break;
		snprintf(names[count], n, "%s/%s", dir, e->d_name);
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof *names, by_name);
	int done = 0;
	for (size_t i = 0; i < count; i++) {
		struct stat st;
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(names[i]) != 0)
				done = -1;
			else if (done >= 0)
				done++;
		}
		free(names[i]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	int total = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s does not exist\n", argv[i]);
			return 2;
		}
		int n = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]) == 0 ? 1 : -1;
		if (n < 0)
			return 2;
		total += n;
	}
	printf("replayed %d inputs\n", total);
	return 0;
}
