// gui_png_check MIN_COLOURS FILE...: fails unless every PNG shows at least
// MIN_COLOURS distinct colours (a blank, black or one-colour screenshot fails).
#include <stb_image.h>

#include <cstdio>
#include <cstdlib>
#include <unordered_set>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gui_png_check MIN_COLOURS FILE...\n");
    return 2;
  }
  size_t min_colours = std::strtoul(argv[1], nullptr, 10);
  int failed = 0;
  for (int i = 2; i < argc; ++i) {
    int w = 0, h = 0, n = 0;
    unsigned char* pixels = stbi_load(argv[i], &w, &h, &n, 3);
    if (pixels == nullptr) {
      std::fprintf(stderr, "%s: not a readable PNG\n", argv[i]);
      ++failed;
      continue;
    }
    std::unordered_set<unsigned> colours;
    for (long p = 0; p < static_cast<long>(w) * h; ++p) {
      colours.insert(pixels[p * 3] << 16 | pixels[p * 3 + 1] << 8 | pixels[p * 3 + 2]);
    }
    stbi_image_free(pixels);
    std::printf("%s: %dx%d, %zu colours\n", argv[i], w, h, colours.size());
    if (colours.size() < min_colours) {
      std::fprintf(stderr, "%s: only %zu distinct colours (want %zu): blank?\n", argv[i],
                   colours.size(), min_colours);
      ++failed;
    }
  }
  return failed == 0 ? 0 : 1;
}
