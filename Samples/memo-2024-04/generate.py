#!/usr/bin/env python3
"""Regenerates reports.json and events.json: sample data reproducing the Điện Biên memo of April 2024.

130 reports forwarded to the ten districts, 7 resolved in time, 123 overdue at AS_OF under the Điện Biên
policy (6 working days from forwarding, Samples/policies/dien-bien.json). Three more reports never reach a unit
(rejected, needs information, still at the hub) and must not be counted. Deterministic: no randomness.
Run from this folder: python3 generate.py
"""
import datetime as dt, json, uuid

AS_OF = "2024-04-19T03:00:00Z"  # Friday 19/4/2024 10:00 in Điện Biên
TZ = dt.timezone(dt.timedelta(hours=7))
# (code, memo name, total, resolved, overdue, approximate centre)
DISTRICTS = [
    ("tp-dien-bien-phu", 58, 2, (21.386, 103.017)),
    ("huyen-dien-bien", 16, 0, (21.270, 103.000)),
    ("huyen-dien-bien-dong", 0, 0, (21.250, 103.250)),
    ("huyen-muong-ang", 8, 0, (21.500, 103.230)),
    ("huyen-tuan-giao", 6, 0, (21.590, 103.420)),
    ("huyen-tua-chua", 5, 3, (21.860, 103.350)),
    ("huyen-muong-cha", 6, 0, (21.850, 103.050)),
    ("tx-muong-lay", 1, 1, (22.060, 103.160)),
    ("huyen-muong-nhe", 10, 0, (22.170, 102.450)),
    ("huyen-nam-po", 20, 1, (21.980, 102.650)),
]
COMMUNES = {
    "tp-dien-bien-phu": ["phuong-muong-thanh", "phuong-him-lam", "xa-ta-leng"],
    "huyen-dien-bien": ["xa-thanh-nua", "xa-thanh-xuong"],
    "huyen-tuan-giao": ["thi-tran-tuan-giao"],
    "huyen-muong-nhe": ["xa-nam-ke"],
    "huyen-nam-po": ["xa-na-hy"],
}
TOPICS = [
    ("an-toan-giao-thong", "Ổ gà lớn trên đường", "Mặt đường xuất hiện nhiều ổ gà sâu, nguy hiểm cho người đi xe máy."),
    ("an-ninh-trat-tu", "Tụ tập gây mất trật tự ban đêm", "Nhóm thanh niên tụ tập, nẹt pô sau 23 giờ."),
    ("ha-tang-do-thi", "Đèn chiếu sáng công cộng bị hỏng", "Cả dãy đèn đường không sáng nhiều ngày nay."),
    ("trat-tu-do-thi", "Lấn chiếm vỉa hè để kinh doanh", "Hàng quán bày bán lấn hết vỉa hè, người đi bộ phải xuống lòng đường."),
    ("moi-truong", "Rác thải tập kết sai quy định", "Rác thải sinh hoạt đổ bừa bãi, bốc mùi hôi thối."),
    ("quy-dinh-hanh-chinh", "Thủ tục hành chính chậm trễ", "Hồ sơ nộp đã quá hẹn nhưng chưa có kết quả."),
    ("cong-vu-cong-chuc", "Thái độ phục vụ chưa đúng mực", "Cán bộ tiếp dân có thái độ thiếu lịch sự."),
    ("doanh-nghiep-vuong-mac", "Doanh nghiệp vướng mắc mặt bằng", "Doanh nghiệp chưa được bàn giao mặt bằng như cam kết."),
    ("an-toan-thuc-pham", "Cơ sở chế biến thực phẩm mất vệ sinh", "Cơ sở giết mổ không bảo đảm vệ sinh, nước thải chảy ra đường."),
    ("dat-dai-xay-dung", "Xây dựng không phép", "Công trình xây dựng lấn sang phần đất công."),
    ("hang-hoa-dich-vu-tieu-dung", "Bán hàng không niêm yết giá", "Nhiều cửa hàng không niêm yết giá, bán cao hơn thường lệ."),
    ("phan-hoi-thong-tin-bao-neu", "Phản hồi thông tin báo nêu", "Báo địa phương phản ánh tình trạng sạt lở chưa được khắc phục."),
    ("hien-ke-xay-dung-thanh-pho-thong-minh", "Đề xuất lắp camera giao thông", "Đề nghị lắp camera tại nút giao đông người."),
    ("bao-ve-tre-em", "Trẻ em bán hàng rong đêm khuya", "Nhiều trẻ nhỏ bán hàng rong đến khuya tại khu chợ."),
]
NAMES = ["Nguyễn Văn An", "Lò Thị Bình", "Quàng Văn Cường", "Lường Thị Dung", "Trần Minh Đức", "Cà Văn Hùng",
         "Vì Thị Lan", "Phạm Quốc Minh", "Tòng Văn Nam", "Lê Thị Oanh"]
HOLIDAYS = {dt.date(2024, 1, 1)} | {dt.date(2024, 2, d) for d in (8, 9, 12, 13, 14)}


def working_days(start, end):
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in HOLIDAYS:
            yield day
        day += dt.timedelta(days=1)


DAYS = list(working_days(dt.date(2024, 1, 2), dt.date(2024, 4, 3)))


def next_working(day, n):
    i = DAYS.index(day) if day in DAYS else 0
    extra = list(working_days(day + dt.timedelta(days=1), day + dt.timedelta(days=60)))
    return extra[n - 1]


def at(day, hh, mm):
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=TZ).astimezone(dt.timezone.utc)


def iso(instant):
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


reports, events = [], []
serial = 0
for code, total, resolved, (lat, lon) in DISTRICTS:
    for k in range(total):
        serial += 1
        rid = f"db-2024-{serial:05d}"
        day = DAYS[(serial * 61) % len(DAYS)]  # spread over the quarter, deterministic
        slot = [(8, 0), (9, 30), (14, 0), (15, 30)][serial % 4]
        received = at(day, *slot)
        category, title, description = TOPICS[serial % len(TOPICS)]
        communes = COMMUNES.get(code, [])
        commune = communes[(k // 2) % len(communes)] if communes and k % 2 == 0 else None
        confidential = serial % 15 == 0
        area = {"province": "dien-bien", "district": code}
        if commune:
            area["commune"] = commune
        report = {
            "id": rid, "code": f"DB-2024-{serial:05d}", "title": title, "description": description,
            "category": category,
            "location": {"latitude": round(lat + (serial % 7) * 0.003, 5), "longitude": round(lon + (serial % 5) * 0.003, 5)},
            "address": f"Tổ {serial % 12 + 1}", "area": area,
            "reporter": {"name": NAMES[serial % len(NAMES)], "phone": f"0915{serial:06d}", "isConfidential": confidential},
            "isUrgent": False, "receivedAt": iso(received), "assignedUnit": code,
        }
        history = []

        def add(instant, actor, action, detail=""):
            history.append({"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"onsite:memo-2024-04:{rid}:{len(history)}")).upper(),
                            "reportId": rid, "actor": actor, "at": iso(instant), "action": action, "detail": detail})

        forwarded = received + dt.timedelta(hours=1)
        add(forwarded, "ioc-dien-bien", "transition:forwarded", code)
        next_day = next_working(day, 1)
        add(at(next_day, 8, 0), f"{code}/lanh-dao", "transition:accepted")
        if k < resolved:
            add(at(next_day, 8, 30), f"{code}/can-bo", "transition:in_progress")
            submit_day = next_working(day, 2)
            add(at(submit_day, 10, 0), f"{code}/can-bo", "transition:result_submitted",
                "Đã kiểm tra hiện trường, phối hợp khắc phục xong; đã thông báo cho người phản ánh.")
            add(at(submit_day, 14, 0), f"{code}/lanh-dao", "transition:approved")
            final = "transition:delivered_privately" if confidential else "transition:published"
            add(at(submit_day, 15, 0), "ioc-dien-bien", final)
            report["status"] = final.split(":")[1]
        else:
            status = "accepted"
            if k % 3 == 0:
                add(at(next_day, 9, 0), f"{code}/can-bo", "transition:in_progress")
                status = "in_progress"
            if k % 10 == 1 and day <= dt.date(2024, 3, 15):
                posted = at(next_working(day, 3), 8, 0)
                new_date = at(day + dt.timedelta(days=14), 16, 0)
                add(posted, f"{code}/lanh-dao", "extension",
                    f"{iso(new_date)} Cần phối hợp với các phòng chuyên môn để xác minh.")
            report["status"] = status
        reports.append(report)
        events.extend(history)

# Reports that never reach a unit: not counted in the memo's table.
for n, (status, action, detail) in enumerate([
        ("rejected", "transition:rejected", "Nội dung không thuộc phạm vi phản ánh hiện trường."),
        ("needs_information", "transition:needs_information", "Địa chỉ cụ thể nơi xảy ra sự việc\nẢnh chụp hiện trường"),
        ("received", None, None)]):
    serial += 1
    rid = f"db-2024-{serial:05d}"
    day = DAYS[-1 - n]
    reports.append({
        "id": rid, "code": f"DB-2024-{serial:05d}", "title": "Phản ánh chưa chuyển xử lý",
        "description": "Nội dung phản ánh chưa rõ.", "category": "moi-truong", "address": "Không rõ",
        "area": {"province": "dien-bien", "district": "tp-dien-bien-phu"},
        "reporter": {"name": NAMES[n], "isConfidential": False}, "isUrgent": False,
        "receivedAt": iso(at(day, 9, 0)), "status": status})
    if action:
        events.append({"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"onsite:memo-2024-04:{rid}:0")).upper(),
                       "reportId": rid, "actor": "ioc-dien-bien", "at": iso(at(day, 10, 0)), "action": action,
                       "detail": detail})

with open("reports.json", "w", encoding="utf-8") as f:
    json.dump(reports, f, ensure_ascii=False, indent=1)
    f.write("\n")
with open("events.json", "w", encoding="utf-8") as f:
    json.dump(events, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"{len(reports)} reports, {len(events)} events, as of {AS_OF}")
