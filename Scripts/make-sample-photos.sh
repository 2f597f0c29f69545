#!/usr/bin/env bash
# Regenerates Samples/photos/: small real JPEGs with EXIF for the on-site check (see Samples/photos/README.md).
# Needs Debian's imagemagick (/usr/bin/convert) and libimage-exiftool-perl (exiftool):
#   apt-get update && apt-get install -y --no-install-recommends imagemagick libimage-exiftool-perl
# The output is deterministic: plasma images from fixed seeds, metadata stripped, then only the tags below written.
set -euo pipefail

CONVERT=${CONVERT:-/usr/bin/convert}
OUT=${1:-"$(cd "$(dirname "$0")/.." && pwd)/Samples/photos"}
mkdir -p "$OUT"

# base FILE SEED COLOURS LABEL: a 320x240 picture, no metadata at all.
base() {
    "$CONVERT" -size 320x240 -seed "$2" "plasma:$3" \
        -font DejaVu-Sans -pointsize 16 -fill white -undercolor '#00000080' -gravity southwest \
        -annotate +6+6 "$4" -quality 80 -strip "$OUT/$1"
}

# tag FILE [exiftool args...]: writes the given tags into a new EXIF block, little-endian ("II", Intel, as most
# phones write it) unless the arguments say -ExifByteOrder=MM (exiftool's own default for a new block is MM).
tag() {
    local file=$1
    shift
    exiftool -q -overwrite_original -ExifByteOrder=II "$@" "$OUT/$file"
}

# 1-3: on site in Điện Biên Phủ (site 21.386 N, 103.017 E), April 2024, with OffsetTimeOriginal +07:00.
base dbp-site-1.jpg 101 green-tan "DB-2024 site 1"
tag dbp-site-1.jpg -DateTimeOriginal="2024:04:18 09:12:30" -OffsetTimeOriginal="+07:00" \
    -GPSLatitude=21.3865 -GPSLatitudeRef=N -GPSLongitude=103.0172 -GPSLongitudeRef=E \
    -GPSDateStamp=2024:04:18 -GPSTimeStamp=02:12:30

base dbp-site-2.jpg 102 sienna-khaki "DB-2024 site 2"
tag dbp-site-2.jpg -DateTimeOriginal="2024:04:19 14:05:00" -OffsetTimeOriginal="+07:00" \
    -GPSLatitude=21.385 -GPSLatitudeRef=N -GPSLongitude=103.016 -GPSLongitudeRef=E \
    -GPSDateStamp=2024:04:19 -GPSTimeStamp=07:05:00

# Big-endian (Motorola, "MM") EXIF, to exercise both byte orders.
base dbp-site-3-mm.jpg 103 steelblue-wheat "DB-2024 site 3 (MM)"
tag dbp-site-3-mm.jpg -ExifByteOrder=MM -DateTimeOriginal="2024:04:22 08:30:00" -OffsetTimeOriginal="+07:00" \
    -GPSLatitude=21.3868 -GPSLatitudeRef=N -GPSLongitude=103.0185 -GPSLongitudeRef=E

# No EXIF at all (as written by base: -strip).
base no-exif.jpg 104 gray-white "no EXIF"

# Far away: Hoàn Kiếm, Hà Nội, about 300 km from the site.
base far-hanoi.jpg 105 red-yellow "Ha Noi"
tag far-hanoi.jpg -DateTimeOriginal="2024:04:18 10:00:00" -OffsetTimeOriginal="+07:00" \
    -GPSLatitude=21.0285 -GPSLatitudeRef=N -GPSLongitude=105.8542 -GPSLongitudeRef=E

# On site but taken in 2023, before any April 2024 report was received.
base predates-2023.jpg 106 olive-beige "2023"
tag predates-2023.jpg -DateTimeOriginal="2023:11:05 16:20:00" -OffsetTimeOriginal="+07:00" \
    -GPSLatitude=21.3858 -GPSLatitudeRef=N -GPSLongitude=103.0166 -GPSLongitudeRef=E

# No OffsetTimeOriginal and no GPS time: the reader assumes +07:00 (Asia/Ho_Chi_Minh) and says so.
base no-offset.jpg 107 navy-skyblue "no offset"
tag no-offset.jpg -DateTimeOriginal="2024:04:20 07:45:00" \
    -GPSLatitude=21.3862 -GPSLatitudeRef=N -GPSLongitude=103.0174 -GPSLongitudeRef=E

# Truncated: the first half of dbp-site-1.jpg, as an interrupted upload leaves it.
size=$(stat -c %s "$OUT/dbp-site-1.jpg")
head -c $((size / 2)) "$OUT/dbp-site-1.jpg" >"$OUT/truncated.jpg"

ls -l "$OUT"/*.jpg
