/* The calls Refrain makes into LAME: open a constant-bitrate encoder with a chosen algorithm
   quality, encode float blocks, flush, close. */
#include <stdlib.h>
#include "lame.h"

lame_global_flags *mp3_open(int channels, int sample_rate, int kbps, int quality) {
  lame_global_flags *gfp = lame_init();
  if (!gfp) return 0;
  lame_set_num_channels(gfp, channels);
  lame_set_in_samplerate(gfp, sample_rate);
  lame_set_out_samplerate(gfp, sample_rate);
  lame_set_mode(gfp, channels == 2 ? JOINT_STEREO : MONO);
  lame_set_VBR(gfp, vbr_off);
  lame_set_brate(gfp, kbps);
  lame_set_quality(gfp, quality);
  lame_set_bWriteVbrTag(gfp, 0);
  if (lame_init_params(gfp) < 0) {
    lame_close(gfp);
    return 0;
  }
  return gfp;
}

int mp3_encode(lame_global_flags *gfp, const float *left, const float *right, int samples,
               unsigned char *out, int out_size) {
  return lame_encode_buffer_ieee_float(gfp, left, right ? right : left, samples, out, out_size);
}

int mp3_flush(lame_global_flags *gfp, unsigned char *out, int out_size) {
  return lame_encode_flush(gfp, out, out_size);
}

void mp3_close(lame_global_flags *gfp) { lame_close(gfp); }
