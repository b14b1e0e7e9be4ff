#!/usr/bin/env bash
# Rebuilds lame.wasm from LAME's source with Emscripten (Debian: apt-get install emscripten).
# The file is committed, so installing and running Refrain needs neither Emscripten nor this
# script; it is here so anyone can rebuild, or relink against another LAME, as the LGPL allows.
#
#   bash server/media/mp3/lame/build.sh /path/to/lame-source
#
# lame.wasm was built from LAME 3.100's release branch (git mirror github.com/rbrito/lame,
# commit af984672) with Emscripten 3.1.6: only libmp3lame's encoder, no decoder, no frontend.
set -euo pipefail
src=${1:?usage: build.sh LAME_SOURCE_DIR}
here=$(cd "$(dirname "$0")" && pwd)
lib="$src/libmp3lame"
files=(VbrTag bitstream encoder fft gain_analysis id3tag lame newmdct presets psymodel quantize
  quantize_pvt reservoir set_get tables takehiro util vbrquantize version)
sources=()
for f in "${files[@]}"; do sources+=("$lib/$f.c"); done
emcc -O3 -DHAVE_CONFIG_H -I"$here" -I"$src/include" -I"$lib" -w \
  "${sources[@]}" "$here/bridge.c" \
  --no-entry -sSTANDALONE_WASM -sALLOW_MEMORY_GROWTH=1 -sFILESYSTEM=0 \
  -sEXPORTED_FUNCTIONS=_mp3_open,_mp3_encode,_mp3_flush,_mp3_close,_malloc,_free \
  -o "$here/lame.wasm"
