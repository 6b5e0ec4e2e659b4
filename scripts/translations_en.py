# ruff: noqa: E501  (a table of long message pairs reads better one pair per line)
"""English translations of anfang's Chinese source strings, applied to the gettext catalogue.

zh-hans is the source language; this file is the single source of the English catalogue
``src/anfang/locale/en/LC_MESSAGES/django.po`` so the translations survive regenerating it.

Usage (from the repository root)::

    .venv/bin/python scripts/translations_en.py            # makemessages, fill msgstr, compilemessages
    .venv/bin/python scripts/translations_en.py --fill-only  # only fill msgstr in the existing .po

It exits with status 1 and lists the msgids that have no translation here yet; add them to
``TRANSLATIONS`` and run it again. Terms follow ``docs/glossary.md``; article citations are
``Art. 9`` / ``Art. 33(3)``; placeholders, HTML and entities are kept exactly.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import polib  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "anfang"
PO_PATH = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"

# A plural entry maps to (singular, plural). An entry with a context (pgettext) is keyed
# "context\x04msgid", as gettext itself does; it never falls back to the entry without context.
Translation = str | tuple[str, str]

TRANSLATIONS: dict[str, Translation] = {
    # core: admin, API, roles, actions
    "安防平台后台管理": "Security platform administration",
    "安防平台": "Security platform",
    "您在该小区没有修改登记信息的权限。": "You are not allowed to change registry data in this community.",
    "仅平台管理员可以执行此操作。": "Only a platform administrator can do this.",
    "仅平台管理员、物业管理员或维保人员可以新增产品目录。": (
        "Only platform administrators, property managers or maintenance staff can add to the product catalogue."
    ),
    "未找到“%(value)s”。": "“%(value)s” not found.",
    "与已有记录冲突。": "Conflicts with an existing record.",
    "仍有其他记录引用“%(obj)s”，不能删除。": "“%(obj)s” is still referenced by other records and cannot be deleted.",
    "基础": "Core",
    "值班员": "Duty operator",
    "保安/巡逻员": "Guard / patrol officer",
    "物业/社区管理员": "Property / community manager",
    "维保人员": "Maintenance staff",
    "民警": "Police officer",
    "建设审查/监理/施工": "Design review / supervision / construction",
    "平台管理员": "Platform administrator",
    "新建": "Create",
    "修改": "Update",
    "删除": "Delete",
    "查看": "View",
    "检索": "Search",
    "导出": "Export",
    # core: forms and generic views
    "用户名": "Username",
    "密码": "Password",
    "名称": "Name",
    "用途说明，例如“报表脚本”。": "What it is for, e.g. “report script”.",
    "有效期至": "Valid until",
    "留空表示长期有效。": "Leave empty for no expiry.",
    "有效期不能早于今天。": "The expiry date cannot be in the past.",
    "设备": "Devices",
    "请选择设备": "Select a device",
    "没有找到该小区。": "Community not found.",
    "全部": "All",
    "是": "Yes",
    "否": "No",
    "已保存“%(object)s”。": "Saved “%(object)s”.",
    "“%(object)s”仍被其他记录引用，不能删除。": "“%(object)s” is still referenced by other records and cannot be deleted.",
    "已删除“%(object)s”。": "Deleted “%(object)s”.",
    # core: management commands
    "运行 Web 服务（uvicorn），地址和端口默认取 ANFANG_HOST / ANFANG_PORT。": (
        "Run the web server (uvicorn); host and port default to ANFANG_HOST / ANFANG_PORT."
    ),
    "监听地址": "Address to listen on",
    "监听端口": "Port to listen on",
    "Web 进程数": "Number of web processes",
    "--workers 须为正整数。": "--workers must be a positive integer.",
    "--port 须在 1–65535 之间。": "--port must be between 1 and 65535.",
    "创建、列出、吊销 API 令牌（用户令牌或设备令牌）。": "Create, list and revoke API tokens (user or device tokens).",
    "创建令牌，只显示一次": "Create a token (shown only once)",
    "令牌代表的用户名": "Username the token acts for",
    "设备编号（设备令牌，仅用于事件接入）": "Device code (device token, for event ingest only)",
    "设备所属小区编号（与 --device 同用）": "Code of the device's community (with --device)",
    "令牌名称": "Token name",
    "有效天数（默认永久有效）": "Days of validity (default: no expiry)",
    "列出令牌": "List tokens",
    "只列出该用户的令牌": "List only this user's tokens",
    "按前缀吊销令牌": "Revoke a token by its prefix",
    "令牌前缀，如 anf_AbC123": "Token prefix, e.g. anf_AbC123",
    "--community 只能与 --device 一起使用。": "--community can only be used together with --device.",
    "用户“%(name)s”不存在。": "User “%(name)s” does not exist.",
    "命令行令牌": "Command-line token",
    "已为 %(owner)s 创建令牌“%(name)s”（前缀 %(prefix)s）。请立即保存，之后无法再次查看：": (
        "Created token “%(name)s” for %(owner)s (prefix %(prefix)s). Save it now; it cannot be shown again:"
    ),
    "设备令牌须用 --community 指定设备所属小区。": "A device token needs --community with the device's community.",
    "设备“%(code)s”不存在。": "Device “%(code)s” does not exist.",
    "设备“%(code)s”不属于小区“%(community)s”。": "Device “%(code)s” does not belong to community “%(community)s”.",
    "--expires-days 须为正整数。": "--expires-days must be a positive integer.",
    "前缀": "Prefix",
    "所属": "Owner",
    "创建": "Created",
    "过期": "Expires",
    "最近使用": "Last used",
    "状态": "Status",
    "已吊销": "Revoked",
    "已过期": "Expired",
    "有效": "Valid",
    "没有令牌。": "No tokens.",
    "没有前缀为“%(prefix)s”的令牌。": "No token has the prefix “%(prefix)s”.",
    "前缀“%(prefix)s”对应多个令牌，无法确定要吊销哪一个。": (
        "The prefix “%(prefix)s” matches several tokens; cannot tell which one to revoke."
    ),
    "令牌 %(prefix)s 已吊销，无需再次吊销。": "Token %(prefix)s is already revoked.",
    "已吊销令牌 %(prefix)s（%(name)s）。": "Revoked token %(prefix)s (%(name)s).",
    "迁移数据库、首次运行时建立演示小区，并启动 Web 服务和全部后台进程。": (
        "Migrate the database, create the demo communities on the first run, "
        "and start the web server and all background processes."
    ),
    "数据库为空时也不建立演示小区": "Do not create the demo communities, even if the database is empty",
    "已中断。": "Interrupted.",
    "正在迁移数据库（%(dir)s）…": "Migrating the database (%(dir)s)…",
    "数据库中还没有小区，正在建立演示小区…": "No communities in the database yet; creating the demo communities…",
    "%(password)s（如未修改）": "%(password)s (unless changed)",
    "anfang 正在启动：%(url)s": "anfang is starting: %(url)s",
    "后台进程：%(names)s": "Background processes: %(names)s",
    "无（本版本尚未提供）": "none (not yet available in this version)",
    "演示账号：": "Demo accounts:",
    "按 Ctrl-C 停止。": "Press Ctrl-C to stop.",
    "anfang 已停止。": "anfang has stopped.",
    "anfang 已就绪：%(url)s": "anfang is ready: %(url)s",
    "运行一个后台进程：%(names)s。": "Run one background process: %(names)s.",
    "后台进程名称": "Background process name",
    "没有名为“%(name)s”的后台进程。可用名称：%(names)s。": (
        "There is no background process named “%(name)s”. Available: %(names)s."
    ),
    "后台进程“%(name)s”在本版本中尚不可用。": "Background process “%(name)s” is not yet available in this version.",
    "后台进程 %(name)s 已启动。": "Background process %(name)s started.",
    "后台进程 %(name)s 已停止。": "Background process %(name)s stopped.",
    # core: models
    "创建时间": "Created at",
    "更新时间": "Updated at",
    "小区": "Community",
    "姓名": "Full name",
    "电话": "Phone",
    "所属派出所": "Police station",
    "民警可只读查看本派出所辖区内的全部小区。": (
        "A police officer can view (read-only) all communities in this police station's jurisdiction."
    ),
    "用户": "Users",
    "角色": "Role",
    "小区成员": "Membership",
    "过期时间": "Expires at",
    "吊销时间": "Revoked at",
    "API 令牌": "API tokens",
    "时间": "Time",
    "操作人": "By",
    "请求/任务": "Request / job",
    "操作": "Action",
    "对象类型": "Object type",
    "对象编号": "Object ID",
    "对象": "Object",
    "修改前": "Before",
    "修改后": "After",
    "原因": "Reason",
    "变更记录": "Change records",
    "类型": "Type",
    "资源": "Resource",
    "条件": "Query",
    "结果数": "Results",
    "访问记录": "Access records",
    # core: services, supervisor, navigation, views
    "请填写令牌名称。": "Enter a token name.",
    "令牌名称不能超过 %(n)d 个字符。": "The token name cannot be longer than %(n)d characters.",
    "过期时间必须晚于当前时间。": "The expiry time must be in the future.",
    "只能为自己创建令牌。": "You can only create tokens for yourself.",
    "用户已停用，不能创建令牌。": "The user is deactivated; no token can be created.",
    "只有平台管理员可以创建设备令牌。": "Only a platform administrator can create device tokens.",
    "不能吊销他人的令牌。": "You cannot revoke another user's token.",
    "该令牌已被吊销。": "This token has already been revoked.",
    "吊销令牌": "Revoke token",
    "[supervisor] %(name)s 已退出（%(code)s），%(delay).0f 秒后重启": (
        "[supervisor] %(name)s exited (%(code)s); restarting in %(delay).0f s"
    ),
    "[supervisor] 进程 %(pid)s 未在 %(grace).0f 秒内停止，强制结束": (
        "[supervisor] process %(pid)s did not stop within %(grace).0f s; killing it"
    ),
    "总览": "Overview",
    "小区概况": "Community profile",
    "总平面图": "Site plan",
    "位置": "Locations",
    "周界": "Perimeter",
    "新增设备": "Add device",
    "新增位置": "Add location",
    "监督": "Supervision",
    "辖区小区": "Communities in jurisdiction",
    "全部小区": "All communities",
    "设备目录": "Device catalogue",
    "设备型号": "Device model",
    "生产厂家": "Manufacturer",
    "审计日志": "Audit log",
    "后台管理": "Admin site",
    "管理": "Administration",
    "没有该小区或无权访问。": "No such community, or you have no access to it.",
    "未知操作。": "Unknown action.",
    "令牌“%(name)s”已吊销，立即失效。": "Token “%(name)s” has been revoked and no longer works.",
    "没有该小区或无权查看其审计日志。": "No such community, or you may not view its audit log.",
    # devices: API and choices
    "证书类型": "Certificate type",
    "编号无效。": "Invalid code.",
    "实体防护": "Physical protection",
    "周界电子防护系统": "Electronic perimeter protection",
    "视频监控系统": "Video surveillance",
    "电子巡查系统": "Electronic patrol",
    "停车库（场）安全管理系统": "Car park security",
    "出入口控制系统": "Access control",
    "楼寓（可视）对讲系统": "Building (video) intercom",
    "住户报警系统": "Resident alarm",
    "监控中心": "Monitoring centre",
    "电动伸缩门": "Electric retractable gate",
    "金属防护大门": "Metal security gate",
    "道闸（挡车器）": "Barrier gate (boom)",
    "防盗安全门": "Anti-theft security door",
    "主动红外对射": "Active infrared beam",
    "脉冲电子围栏": "Pulse electric fence",
    "振动光缆": "Vibration-sensing fibre cable",
    "周界报警主机": "Perimeter alarm panel",
    "摄像机": "Camera",
    "硬盘录像机/存储": "Video recorder / storage",
    "巡查点": "Patrol checkpoint",
    "巡查器/巡更终端": "Patrol reader / guard tour terminal",
    "停车场控制器": "Car park controller",
    "门禁控制器": "Access controller",
    "人行闸机": "Pedestrian turnstile",
    "人脸识别终端": "Face recognition terminal",
    "单元门口机": "Unit door station",
    "室内分机": "Indoor station",
    "对讲管理机/服务器": "Intercom master station / server",
    "报警主机": "Alarm panel",
    "紧急报警按钮": "Panic button",
    "入侵探测器": "Intrusion detector",
    "感烟探测器": "Smoke detector",
    "显示大屏": "Video wall",
    "监控工作站": "Monitoring workstation",
    "报警接收中心": "Alarm receiving centre",
    "不间断电源": "UPS",
    "其他设备": "Other device",
    "规划": "Planned",
    "已安装": "Installed",
    "已验收/在用": "In service",
    "故障": "Faulty",
    "已退役": "Retired",
    "安全技术防范产品生产登记批准书": "Security product production registration certificate",
    "强制性产品认证（3C）证书": "Compulsory product certification (CCC) certificate",
    "法定检验/检测报告": "Statutory test report",
    "国家级": "National",
    "省级": "Provincial",
    "市级": "Municipal",
    "其他": "Other",
    # devices: filters, forms, models, services
    "子系统": "Subsystem",
    "设备类型": "Device type",
    "位置编号": "Location code",
    "车牌识别": "Plate recognition",
    "厂家编号": "Manufacturer code",
    "安装位置": "Location",
    "用途": "Purpose",
    "安装点": "Position",
    "安装点（米）": "Position (m)",
    "平面图上的安装点：“x,y”（米）。": "Position on the site plan: “x,y” (metres).",
    "覆盖范围（米）": "Coverage (m)",
    "摄像机视野：首尾同一点的多个点“x1,y1; x2,y2; …”；周界探测器：沿周界的线。": (
        "Camera field of view: points “x1,y1; x2,y2; …” ending with the first point; "
        "perimeter detector: a line along the perimeter."
    ),
    "批准文号": "Approval number",
    "批准人/单位": "Approved by",
    "变更原因": "Reason for change",
    "变更%(fields)s须经授权：请填写此项（第33条第(3)项）。": (
        "Changing %(fields)s requires authorisation: please fill in this field (Art. 33(3))."
    ),
    "变更%(fields)s须经授权：请在下方“变更授权”中填写批准文号、批准人/单位和原因（第33条第(3)项）。": (
        "Changing %(fields)s requires authorisation: enter the approval number, approver and reason "
        "under “Change authorisation” below (Art. 33(3))."
    ),
    "验收合格后投入使用": "Put into service after passing acceptance",
    "同时把设备状态改为“已验收/在用”（还需有效的产品证书，第24条）。": (
        "Also set the device status to “In service” (this also needs a valid product certificate, Art. 24)."
    ),
    "验收日期不能晚于今天。": "The acceptance date cannot be in the future.",
    "设备类型“%(kind)s”不属于子系统“%(subsystem)s”。": (
        "Device type “%(kind)s” does not belong to subsystem “%(subsystem)s”."
    ),
    "编号": "Code",
    "国家/地区": "Country / region",
    "型号": "Model",
    "说明": "Description",
    "证书编号": "Certificate number",
    "发证机关": "Issuing authority",
    "发证机关级别": "Authority level",
    "发证日期": "Issue date",
    "产品证书": "Product certificate",
    "有效期不能早于发证日期。": "The expiry date cannot be before the issue date.",
    "设备编号": "Device code",
    "全平台唯一；设备推送地址和 MQTT 主题使用此编号。": (
        "Unique across the platform; used in the device's push URL and MQTT topic."
    ),
    "变更用途须经授权（第33条第(3)项）。": "Changing the purpose requires authorisation (Art. 33(3)).",
    "摄像机视野（多边形）或周界探测器覆盖的周界段（线）。": (
        "Camera field of view (polygon) or the stretch of perimeter covered by a perimeter detector (line)."
    ),
    "网络地址": "Network address",
    "端口": "Port",
    "MAC 地址": "MAC address",
    "序列号": "Serial number",
    "水平分辨率": "Horizontal resolution",
    "垂直分辨率": "Vertical resolution",
    "联网": "Networked",
    "设备接入平台（如对讲联网，第13条）。": "The device is connected to the platform (e.g. networked intercom, Art. 13).",
    "心跳间隔（秒）": "Heartbeat interval (s)",
    "最近在线": "Last seen",
    "安装日期": "Installation date",
    "备注": "Notes",
    "安装位置必须属于同一小区。": "The location must belong to the same community.",
    "分辨率须同时填写宽和高。": "Enter both the width and the height of the resolution.",
    "验收日期": "Acceptance date",
    "验收合格": "Passed",
    "验收人/单位": "Accepted by",
    "验收文件编号": "Acceptance document no.",
    "验收记录": "Acceptance record",
    "变更内容": "Changes",
    "登记人": "Recorded by",
    "变更授权": "Change authorisation",
    "没有验收合格记录，不得投入使用（第29条）。": (
        "No passed acceptance record: the device may not go into service (Art. 29)."
    ),
    "未登记设备型号，无法核验产品证书（第24条）。": (
        "No device model registered, so the product certificate cannot be checked (Art. 24)."
    ),
    "设备型号“%(model)s”没有有效的生产登记批准书或检测报告（第24条）。": (
        "Device model “%(model)s” has no valid production registration certificate or test report (Art. 24)."
    ),
    "新设备须先验收，才能投入使用（第29条）。": "A new device must pass acceptance before it goes into service (Art. 29).",
    "变更设备的用途或位置须经授权，请填写批准文号、批准人和原因（第33条第(3)项）。": (
        "Changing a device's purpose or location requires authorisation: "
        "enter the approval number, approver and reason (Art. 33(3))."
    ),
    "授权须填写批准文号、批准人和原因。": "An authorisation needs an approval number, an approver and a reason.",
    "设备状态不能从“%(old)s”改为“%(new)s”。": "The device status cannot change from “%(old)s” to “%(new)s”.",
    # devices: templates and views
    "生产登记批准书须由省级以上机关颁发，且在有效期内（第24条）。": (
        "A production registration certificate must be issued at provincial level or above "
        "and be within its validity (Art. 24)."
    ),
    "不符合要求": "Not compliant",
    "登记验收": "Record acceptance",
    "登记验收（第29条）": "Record acceptance (Art. 29)",
    "设备只有验收合格后才能投入使用（第29条），并且其型号须有有效的产品证书（第24条）。": (
        "A device may go into service only after passing acceptance (Art. 29), "
        "and its model must have a valid product certificate (Art. 24)."
    ),
    "编辑": "Edit",
    "暂不能投入使用：": "Cannot go into service yet:",
    "更改状态：": "Change status:",
    "基本情况": "Details",
    "覆盖范围": "Coverage",
    "%(n)s 个点": ("%(n)s point", "%(n)s points"),
    "是,否": "Yes,No",
    "网络与技术参数": "Network and technical data",
    "分辨率": "Resolution",
    "设备型号与产品证书（第24条）": "Device model and product certificates (Art. 24)",
    "无有效证书": "No valid certificate",
    "未登记设备型号，无法核验产品证书。": "No device model registered, so the product certificate cannot be checked.",
    "验收记录（第29条）": "Acceptance records (Art. 29)",
    "结果": "Result",
    "合格": "Passed",
    "不合格": "Failed",
    "尚无验收记录。": "No acceptance records yet.",
    "用途/位置变更授权（第33条第(3)项）": "Change authorisations for purpose / location (Art. 33(3))",
    "没有变更授权记录。": "No change authorisations.",
    "变更历史": "Change history",
    "变更的字段": "Changed fields",
    "没有变更记录。": "No changes recorded.",
    "变更授权（第33条第(3)项）": "Change authorisation (Art. 33(3))",
    "变更安装位置、用途或安装点时必须填写批准文号、批准人/单位和原因；其他修改不需要填写。": (
        "Changing the location, purpose or position requires the approval number, approver and reason; "
        "other changes do not."
    ),
    "未登记": "Not registered",
    "没有符合条件的设备。": "No devices match the filters.",
    "尚未登记设备。按第7条的九个子系统逐一登记。": (
        "No devices registered yet. Register them subsystem by subsystem, following the nine subsystems of Art. 7."
    ),
    "新增厂家": "Add manufacturer",
    "型号数": "Models",
    "还没有登记生产厂家。": "No manufacturers registered yet.",
    "无证书": "No certificate",
    "添加证书": "Add certificate",
    "使用中的设备": "Devices using this model",
    "产品证书（第24条）": "Product certificates (Art. 24)",
    "此型号没有有效的生产登记批准书（省级以上）或法定检测报告，其设备不能投入使用（第24条）。": (
        "This model has no valid production registration certificate (provincial level or above) "
        "or statutory test report, so its devices cannot go into service (Art. 24)."
    ),
    "尚未登记证书。": "No certificates registered yet.",
    "新增型号": "Add model",
    "至": "until",
    "没有符合条件的设备型号。": "No device models match the filters.",
    "还没有登记设备型号。": "No device models registered yet.",
    "无效的设备状态。": "Invalid device status.",
    "设备状态已改为“%(status)s”。": "Device status changed to “%(status)s”.",
    # settings: a language is named in its own language
    "简体中文": "简体中文",
    "English": "English",
    # sites: choices
    "小区与位置": "Communities and locations",
    "物业管理": "Property-managed",
    "无物业管理（社区管理）": "Unmanaged (neighbourhood committee)",
    "基本型": "Basic",
    "提高型": "Enhanced",
    "先进型": "Advanced",
    "小区出入口": "Community entrance",
    "出入口通道": "Entrance lane",
    "出入口外延道路": "Road outside entrance",
    "楼栋": "Building",
    "单元": "Unit",
    "单元出入口": "Unit entrance",
    "电梯轿厢": "Elevator car",
    "停车库/场": "Parking lot",
    "停车库/场出入口": "Parking entrance",
    "小区内道路": "Internal road",
    "广场": "Square",
    "安防值班室": "Duty room",
    "主出入口": "Main entrance",
    "次出入口": "Secondary entrance",
    "车行通道": "Vehicle lane",
    "人行通道": "Pedestrian lane",
    "入": "In",
    "出": "Out",
    "双向": "Both ways",
    "围墙": "Wall",
    "栅栏": "Fence",
    "无实体屏障": "No physical barrier",
    "未知": "Unknown",
    "A 级": "Grade A",
    "B 级": "Grade B",
    "C 级（超 B 级）": "Grade C (above B)",
    # sites: demo, import/export
    "%(name)s 所属派出所辖区": "Jurisdiction of the police station of %(name)s",
    "范围": "Scope",
    "密码（全部演示用户）：%(password)s": "Password (all demo users): %(password)s",
    "缺少必填字段。": "Required field missing.",
    "未知字段（拼写错误？）。": "Unknown field (typo?).",
    "类型错误：应为%(expected)s。": "Wrong type: expected %(expected)s.",
    "取值“%(value)s”无效，可选：%(choices)s。": "Invalid value “%(value)s”; choose from: %(choices)s.",
    "应为 %(expected)s。": "Expected %(expected)s.",
    "编号只能包含字母、数字、下划线、点和连字符，且以字母或数字开头。": (
        "A code may contain only letters, digits, underscores, dots and hyphens, "
        "and must start with a letter or digit."
    ),
    "不能为空。": "Must not be empty.",
    "不能超过 %(limit)s 个字符。": "Must not be longer than %(limit)s characters.",
    "不能小于 %(limit)s。": "Must not be less than %(limit)s.",
    "日期格式应为 YYYY-MM-DD。": "Dates must be written as YYYY-MM-DD.",
    "文件内容须为 JSON 对象 {…}。": "The file must contain a JSON object {…}.",
    "不是可导入的小区文件：须为 schema “%(name)s”、version %(version)s（文件为 “%(got_name)s”、%(got)s）。": (
        "Not an importable community file: expected schema “%(name)s”, version %(version)s "
        "(the file has “%(got_name)s”, %(got)s)."
    ),
    "小区编号“%(code)s”已存在；如需按文件更新该小区，请使用 --update。": (
        "Community code “%(code)s” already exists; to update that community from the file, use --update."
    ),
    "有物业管理的小区须指定物业公司（第5条）。": "A property-managed community must name its property company (Art. 5).",
    "无物业管理的小区须关联辖区派出所（第6条）。": "An unmanaged community must be linked to its police station (Art. 6).",
    "厂家编号“%(value)s”重复（与 %(first)s 相同）。": "Duplicate manufacturer code “%(value)s” (same as %(first)s).",
    "设备型号“%(value)s”重复（与 %(first)s 相同）。": "Duplicate device model “%(value)s” (same as %(first)s).",
    "厂家“%(code)s”未在文件的 manufacturers 中列出，平台中也没有。": (
        "Manufacturer “%(code)s” is neither in the file's manufacturers nor on the platform."
    ),
    "证书编号“%(number)s”在文件中重复。": "Certificate number “%(number)s” appears more than once in the file.",
    "证书编号“%(number)s”在平台中属于另一型号“%(model)s”。": (
        "Certificate number “%(number)s” belongs to another model on the platform, “%(model)s”."
    ),
    "设备类型“%(kind)s”不属于子系统“%(subsystem)s”，该子系统可用：%(allowed)s。": (
        "Device type “%(kind)s” does not belong to subsystem “%(subsystem)s”; allowed there: %(allowed)s."
    ),
    "位置编号“%(value)s”重复（与 %(first)s 相同）。": "Duplicate location code “%(value)s” (same as %(first)s).",
    "上级位置“%(code)s”不在文件的 locations 中。": "Parent location “%(code)s” is not in the file's locations.",
    "“%(kind)s”的上级位置须为：%(allowed)s（“%(parent)s”是%(parent_kind)s）。": (
        "For type “%(kind)s” the parent location must be: %(allowed)s (“%(parent)s” is of type %(parent_kind)s)."
    ),
    "“%(kind)s”必须指定上级位置。": "Type “%(kind)s” needs a parent location.",
    "联网位置“%(code)s”不在文件的 locations 中。": "Linked location “%(code)s” is not in the file's locations.",
    "通道须注明车行或人行。": "A lane must be marked as vehicle or pedestrian.",
    "小区出入口须注明主出入口或次出入口（第12条）。": (
        "A community entrance must be marked as main or secondary (Art. 12)."
    ),
    "上级位置不能形成循环：%(cycle)s。": "Parent locations must not form a cycle: %(cycle)s.",
    "周界段编号“%(value)s”重复（与 %(first)s 相同）。": "Duplicate perimeter segment code “%(value)s” (same as %(first)s).",
    "设备编号“%(value)s”重复（与 %(first)s 相同）。": "Duplicate device code “%(value)s” (same as %(first)s).",
    "设备编号“%(code)s”已被小区“%(community)s”使用；设备编号全平台唯一。": (
        "Device code “%(code)s” is already used by community “%(community)s”; "
        "device codes are unique across the platform."
    ),
    "设备型号“%(model)s”未在文件的 device_models 中列出，平台中也没有。": (
        "Device model “%(model)s” is neither in the file's device_models nor on the platform."
    ),
    "安装位置“%(code)s”不在文件的 locations 中。": "Location “%(code)s” is not in the file's locations.",
    "时间格式应为带时区的 ISO 8601，例如 2026-01-31T08:00:00+08:00。": (
        "Times must be ISO 8601 with a time zone, e.g. 2026-01-31T08:00:00+08:00."
    ),
    "设备“%(code)s”为在用，但文件中没有验收合格记录，不得投入使用（第29条）。": (
        "Device “%(code)s” is in service, but the file has no passed acceptance record for it; "
        "it may not be in service (Art. 29)."
    ),
    "在用设备须登记设备型号，以核验产品证书（第24条）。": (
        "A device in service needs a device model so that its product certificate can be checked (Art. 24)."
    ),
    "型号“%(model)s”在 %(day)s 无有效生产登记批准书或检测报告，不得在用（第24条）。": (
        "Model “%(model)s” had no valid production registration certificate or test report on %(day)s; "
        "it may not be in service (Art. 24)."
    ),
    "检查通过，正在写入 …": "Checks passed, writing …",
    "检查通过，试写入（之后撤销）…": "Checks passed, trial write (rolled back afterwards)…",
    "  %(what)s：%(count)s 条 …": "  %(what)s: %(count)s …",
    "已退役的设备不能再改为其他状态。": "A retired device cannot change to another status.",
    "设备“%(code)s”的用途或位置将变更（%(fields)s），须经授权：请提供批准文号（--authorisation）（第33条第(3)项）。": (
        "The purpose or location of device “%(code)s” would change (%(fields)s), which requires authorisation: "
        "give the approval number (--authorisation) (Art. 33(3))."
    ),
    # sites: filters, forms, geometry
    "搜索": "Search",
    "管理方式": "Management",
    "派出所编号": "Police station code",
    "区县": "District",
    "上级位置编号": "Parent location code",
    "屏障类型": "Barrier type",
    "不是有效的 JSON：%(error)s": "Not valid JSON: %(error)s",
    "无法识别坐标“%(chunk)s”：每个点写作“x,y”（米），多个点用分号分隔。": (
        "Cannot read the coordinates “%(chunk)s”: write each point as “x,y” (metres) "
        "and separate points with semicolons."
    ),
    "点": "Point",
    "线": "Line",
    "区域（多边形）": "Area (polygon)",
    "单位米，平面图左下角为原点。点：“x,y”；线：“x1,y1; x2,y2; …”；区域：首尾同一点的多个点；也可填 GeoJSON。": (
        "In metres, origin at the bottom-left corner of the site plan. Point: “x,y”; "
        "line: “x1,y1; x2,y2; …”; area: points ending with the first point; GeoJSON also works."
    ),
    "本小区已有编号为“%(code)s”的记录。": "This community already has a record with the code “%(code)s”.",
    "几何（米）": "Geometry (m)",
    "线几何（米）": "Line geometry (m)",
    "单位米：“x1,y1; x2,y2; …”，至少两个点；也可填 GeoJSON LineString。": (
        "In metres: “x1,y1; x2,y2; …”, at least two points; a GeoJSON LineString also works."
    ),
    '几何必须是 %(types)s 之一，形如 {"type": "Point", "coordinates": [x, y]}（单位：米）。': (
        'The geometry must be one of %(types)s, e.g. {"type": "Point", "coordinates": [x, y]} (in metres).'
    ),
    "几何坐标无效：%(error)s": "Invalid geometry coordinates: %(error)s",
    "几何不能为空。": "The geometry must not be empty.",
    "线段长度必须大于 0。": "A line must be longer than 0.",
    "多边形自相交或无效。": "The polygon intersects itself or is invalid.",
    "周界段必须有线几何。": "A perimeter segment needs a line geometry.",
    # sites: management commands
    "用户“%(name)s”不存在或已停用。": "User “%(name)s” does not exist or is deactivated.",
    "没有编号为“%(code)s”的小区，或无权查看。": "No community with the code “%(code)s”, or you may not view it.",
    "已导出小区“%(code)s”：%(locations)s 个位置、%(segments)s 个周界段、%(devices)s 台设备 → %(file)s": (
        "Exported community “%(code)s”: %(locations)s locations, %(segments)s perimeter segments, "
        "%(devices)s devices → %(file)s"
    ),
    "无法读取文件 %(file)s：%(error)s": "Cannot read file %(file)s: %(error)s",
    "%(file)s 不是有效的 JSON（第 %(line)s 行第 %(col)s 列）：%(error)s": (
        "%(file)s is not valid JSON (line %(line)s, column %(col)s): %(error)s"
    ),
    "批量导入 import:%(file)s": "Bulk import import:%(file)s",
    "正在检查 %(file)s …": "Checking %(file)s …",
    "文件有 %(count)s 个问题，未导入任何内容。": "The file has %(count)s problem(s); nothing was imported.",
    "用户“%(user)s”无权导入小区“%(code)s”。": "User “%(user)s” may not import community “%(code)s”.",
    "试运行（未写入）：小区“%(code)s”": "Dry run (nothing written): community “%(code)s”",
    "已导入小区“%(code)s”": "Imported community “%(code)s”",
    "  %(what)s：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s": (
        "  %(what)s: %(created)s created, %(updated)s updated, %(unchanged)s unchanged"
    ),
    "建立演示小区 demo1（辽河湾花园）和 demo2（海滨小区）及每种角色的演示用户。": (
        "Create the demo communities demo1 (辽河湾花园) and demo2 (海滨小区) and a demo user for each role."
    ),
    "删除并重建已存在的演示小区，并重置演示用户的密码。": (
        "Delete and rebuild existing demo communities and reset the demo users' passwords."
    ),
    "演示小区 %(code)s 已存在，未做改动（加 --force 可重建）。": (
        "Demo community %(code)s already exists; left unchanged (use --force to rebuild it)."
    ),
    "已建立演示小区 %(code)s：%(name)s": "Created demo community %(code)s: %(name)s",
    # sites: models
    "地址": "Address",
    "派出所": "Police station",
    "联系人": "Contact person",
    "物业公司": "Property company",
    "辖区派出所": "Police station",
    "安全防范等级": "Security grade",
    "平面图宽度（米）": "Site plan width (m)",
    "平面图高度（米）": "Site plan height (m)",
    "上级位置": "Parent location",
    "平面图上的点、线或多边形，单位米，GeoJSON 格式。": "A point, line or polygon on the site plan, in metres, as GeoJSON.",
    "出入口类别": "Entrance class",
    "通道类型": "Lane type",
    "方向": "Direction",
    "主要道路/广场": "Main road / square",
    "层数": "Floors",
    "面积（平方米）": "Area (m²)",
    "联网/合署位置": "Linked / shared location",
    "值班室与监控中心联网或合署（第15条）。": (
        "The duty room is linked to the monitoring centre or shares its premises (Art. 15)."
    ),
    "入户门为国标防盗门": "Flat doors are national-standard security doors",
    "第14条": "Art. 14",
    "锁具等级": "Lock grade",
    "第14条：鼓励 B 级以上": "Art. 14: grade B or higher is encouraged",
    "上级位置必须属于同一小区。": "The parent location must belong to the same community.",
    "“%(kind)s”的上级位置须为：%(allowed)s。": "For type “%(kind)s” the parent location must be: %(allowed)s.",
    "上级位置不能形成循环。": "Parent locations must not form a cycle.",
    "联网位置必须属于同一小区。": "The linked location must belong to the same community.",
    "顺序": "Order",
    "沿周界的顺序，用于闭合检查。": "Order along the perimeter, used to check that the perimeter is closed.",
    "屏障高度（米）": "Barrier height (m)",
    "周界段": "Perimeter segment",
    # sites: site plan
    "区域与楼栋": "Areas and buildings",
    "道路": "Roads",
    "出入口等点位": "Entrances and other points",
    "%(name)s 视野": "%(name)s field of view",
    "%(name)s 探测范围": "%(name)s detection range",
    "%(n)s 米": "%(n)s m",
    "周界：%(type)s": "Perimeter: %(type)s",
    "摄像机视野": "Camera field of view",
    "周界探测覆盖": "Perimeter detection",
    # sites: templates
    "位置导航": "Breadcrumb",
    "筛选": "Filter",
    "清除": "Clear",
    "请更正下面标出的错误。": "Please correct the errors marked below.",
    "分页": "Pagination",
    "上一页": "Previous",
    "第 %(n)s / %(total)s 页": "Page %(n)s of %(total)s",
    "下一页": "Next",
    "在平面图上的位置": "Position on the site plan",
    "周界段（共 %(length)s 米）": "Perimeter segments (%(length)s m)",
    "平面图尺寸": "Site plan size",
    "米": "m",
    "设备状态": "Device status",
    "各子系统设备（第7条）": "Devices by subsystem (Art. 7)",
    "尚未登记位置。": "No locations registered yet.",
    "新建小区": "New community",
    "没有符合条件的小区。": "No communities match the filters.",
    "还没有可以查看的小区。": "There are no communities you can view yet.",
    "形状": "Shape",
    "坐标": "Coordinates",
    "面积": "Area",
    "平方米": "m²",
    "长度": "Length",
    "在总平面图中查看": "View on the site plan",
    "尚未在平面图上标出。": "Not yet drawn on the site plan.",
    "下级位置": "Sub-locations",
    "没有下级位置。": "No sub-locations.",
    "此处的设备": "Devices here",
    "此处没有登记设备。": "No devices registered here.",
    "下级": "Sub-locations",
    "没有符合条件的位置。": "No locations match the filters.",
    "尚未登记位置：出入口、楼栋、单元、停车场、道路、值班室等（第8–15条）。": (
        "No locations registered yet: entrances, buildings, units, parking lots, roads, the duty room, etc. "
        "(Arts. 8–15)."
    ),
    "删除%(kind)s": "Delete %(kind)s",
    "确定要删除%(kind)s“%(object)s”吗？删除会记入变更日志，且无法撤销。": (
        "Delete “%(object)s” (%(kind)s)? The deletion is recorded in the change log and cannot be undone."
    ),
    "以下下级位置会一并删除：": "These sub-locations will be deleted too:",
    "确认删除": "Delete",
    "取消": "Cancel",
    "新建%(kind)s": "New %(kind)s",
    "编辑%(kind)s": "Edit %(kind)s",
    "保存": "Save",
    "长度（米）": "Length (m)",
    "折点（米）": "Points (m)",
    "周界（第8条）": "Perimeter (Art. 8)",
    "新增周界段": "Add segment",
    "筛选结果总长 %(length)s 米。": "Total length of the segments shown: %(length)s m.",
    "没有符合条件的周界段。": "No perimeter segments match the filters.",
    "尚未登记周界。按顺序逐段登记围墙或栅栏，便于检查周界是否闭合（第8条）。": (
        "No perimeter registered yet. Register the walls and fences segment by segment, in order, "
        "so the platform can check that the perimeter is closed (Art. 8)."
    ),
    "编辑周界": "Edit perimeter",
    "图层": "Layers",
    "图例": "Legend",
    "平面图上还没有任何内容。": "Nothing on the site plan yet.",
    "已标注设备": "Devices on the plan",
    "未标注位置": "Locations not on the plan",
    "上为北。悬停查看名称，点击打开详情。": "North is up. Hover for names; click to open details.",
    "%(name)s 总平面图": "Site plan of %(name)s",
    # project templates
    "无权访问": "Access denied",
    "您的角色不能查看此页面。如需权限，请联系小区管理员。": (
        "Your role cannot view this page. Ask your community manager if you need access."
    ),
    "返回总览": "Back to overview",
    "页面不存在": "Page not found",
    "该页面不存在，或者您无权访问它。": "This page does not exist, or you do not have access to it.",
    "安防": "Security",
    "跳到正文": "Skip to content",
    "菜单": "Menu",
    "当前小区": "Current community",
    "切换": "Switch",
    "语言": "Language",
    "退出登录": "Log out",
    "主导航": "Main navigation",
    "变更记录与访问记录只增不改，以哈希链防篡改（第33条第(5)项）。查看本页也会被记录。": (
        "Change and access records are append-only and protected against tampering by a hash chain "
        "(Art. 33(5)). Viewing this page is recorded too."
    ),
    "日志类型": "Log type",
    "原因：": "Reason:",
    "%(n)s 个字段": ("%(n)s field", "%(n)s fields"),
    "较新": "Newer",
    "较早": "Older",
    "暂无记录": "No records yet",
    "登记信息的新建、修改和删除会记录在这里。": "Creating, changing and deleting registry data is recorded here.",
    "查看、检索和导出敏感数据会记录在这里。": "Viewing, searching and exporting sensitive data is recorded here.",
    "设备清单": "Device list",
    "%(station)s 辖区小区": "Communities in the jurisdiction of %(station)s",
    "共 %(n)s 个": ("%(n)s in total", "%(n)s in total"),
    "离线": "Offline",
    "当前": "Current",
    "您还没有可查看的小区": "There are no communities you can view yet",
    "请联系小区管理员或平台管理员，将您加入小区并分配角色。": (
        "Ask a community manager or platform administrator to add you to a community and give you a role."
    ),
    "设备总数": "Devices",
    "离线设备": "Offline devices",
    "周界长度（%(n)s 段）": ("Perimeter (%(n)s segment)", "Perimeter (%(n)s segments)"),
    "待整改问题": "Open issues",
    "未处理报警": "Open alarms",
    "设备：按子系统（第7条）": "Devices by subsystem (Art. 7)",
    "还没有登记设备": "No devices registered yet",
    "按第7条的九个子系统登记本小区的安防设备。": (
        "Register this community's security devices for the nine subsystems of Art. 7."
    ),
    "登记设备": "Register devices",
    "打开": "Open",
    "打开总平面图": "Open the site plan",
    "设备：按状态": "Devices by status",
    "离线设备（第33条）": "Offline devices (Art. 33)",
    "从未": "Never",
    "共 %(n)s 台离线。": ("%(n)s device offline in total.", "%(n)s devices offline in total."),
    "全部在线": "All online",
    "在用且配置了心跳的设备都按时上报。": "Every device in service with a heartbeat is reporting on time.",
    "位置：按类型": "Locations by type",
    "还没有登记位置": "No locations registered yet",
    "登记出入口、楼栋、道路等位置后，可在总平面图上查看。": (
        "Register entrances, buildings, roads and other locations to see them on the site plan."
    ),
    "合规与报警": "Compliance and alarms",
    "合规检查功能上线后在此显示按条款列出的问题。": (
        "Once compliance checking is available, issues will be listed here by article."
    ),
    "报警处置功能上线后在此显示未处理的报警。": "Once alarm handling is available, open alarms will be shown here.",
    "令牌“%(name)s”已创建。": "Token “%(name)s” created.",
    "请立即复制并妥善保存：离开本页后将无法再次查看。": (
        "Copy it now and keep it safe: it cannot be shown again once you leave this page."
    ),
    "已复制": "Copied",
    "复制": "Copy",
    "用法：": "Usage:",
    "令牌": "Token",
    "新建个人令牌": "New personal token",
    "个人令牌以您的身份调用 API，权限与您的账号相同。": (
        "A personal token calls the API as you, with the same permissions as your account."
    ),
    "创建令牌": "Create token",
    "新建设备令牌": "New device token",
    "设备令牌只能用于设备上报事件，不能读取或修改登记信息。": (
        "A device token can only report device events; it cannot read or change registry data."
    ),
    "创建设备令牌": "Create device token",
    "全部令牌": "All tokens",
    "我的令牌": "My tokens",
    "长期": "No expiry",
    "吊销后该令牌立即失效，确定吊销？": "The token stops working as soon as it is revoked. Revoke it?",
    "吊销": "Revoke",
    "还没有令牌": "No tokens yet",
    "脚本和其他系统通过令牌调用 API（/api/v1/）。": "Scripts and other systems call the API (/api/v1/) with a token.",
    "登录已暂时锁定": "Login temporarily locked",
    "连续 %(limit)s 次登录失败。": ("%(limit)s failed login in a row.", "%(limit)s failed logins in a row."),
    "为保护账号安全，请 %(minutes)s 分钟后再试。": (
        "To protect your account, please try again in %(minutes)s minute.",
        "To protect your account, please try again in %(minutes)s minutes.",
    ),
    "为保护账号安全，请联系平台管理员解锁。": "To protect your account, ask a platform administrator to unlock it.",
    "如果忘记了密码，请联系小区管理员或平台管理员重置。": (
        "If you have forgotten your password, ask a community manager or platform administrator to reset it."
    ),
    "返回登录页": "Back to login",
    "登录": "Log in",
    "登录安防平台": "Log in to the security platform",
    "住宅小区安全防范管理（营政发〔2015〕42号）": "Security of residential communities (营政发〔2015〕42号)",
    "您的账号无权访问该页面，请使用其他账号登录。": (
        "Your account cannot access that page. Please log in with another account."
    ),
    "连续多次输入错误将暂时锁定登录。": "Too many failed attempts lock the login for a while.",
    # compliance: checks, findings, reports, police ranking
    "合规检查": "Compliance check",
    "符合": "Compliant",
    "不符合": "Non-compliant",
    "暂无法评估": "Not assessable yet",
    "违规": "Violation",
    "建议": "Advisory",
    "手动": "Manual",
    "定时": "Scheduled",
    "命令行": "Command line",
    "API": "API",
    "不支持的格式“%(format)s”，可选：json、html、pdf。": "Unsupported format “%(format)s”; choose json, html or pdf.",
    "没有编号为“%(code)s”的小区。": "No community with the code “%(code)s”.",
    "%(name)s：%(checks)s 项检查，%(violations)s 项违规，%(advisories)s 项建议，%(ne)s 项暂无法评估。": (
        "%(name)s: %(checks)s checks, %(violations)s violations, %(advisories)s advisories, "
        "%(ne)s not assessable yet."
    ),
    "无法写入文件 %(file)s：%(error)s": "Cannot write file %(file)s: %(error)s",
    "检查时间": "Checked at",
    "触发方式": "Triggered by",
    "执行人": "Run by",
    "汇总": "Summary",
    "违规项": "Violations",
    "耗时（毫秒）": "Duration (ms)",
    "规则": "Rule",
    "条款": "Article",
    "严重程度": "Severity",
    "检查结果": "Check result",
    "发现时间": "Found at",
    "最近一次发现": "Last found",
    "整改完成时间": "Resolved at",
    "问题记录": "Issue",
    "不符合项": "Non-compliant items",
    "问题整改历史": "Issue history",
    "合规检查报告": "Compliance report",
    "系统每天自动对照营政发〔2015〕42号检查一次；检查发现的问题在此记录发现日期、整改完成日期和持续时间。": (
        "The platform checks the community against 营政发〔2015〕42号 once a day; every issue found is "
        "recorded here with the date it was found, the date it was resolved and how long it lasted."
    ),
    "还没有检查记录": "No checks yet",
    "每日定时检查运行后（或在合规检查报告页手动检查后），发现的问题和整改情况会显示在这里。": (
        "Once the daily check has run (or a manual check on the compliance report page), "
        "the issues found and their resolution appear here."
    ),
    "打开合规检查报告": "Open the compliance report",
    "待整改违规项": "Open violations",
    "未关闭问题（含建议项）": "Open issues (incl. advisories)",
    "近 %(n)s 天新发现": ("New in the last %(n)s day", "New in the last %(n)s days"),
    "近 %(n)s 天已整改": ("Resolved in the last %(n)s day", "Resolved in the last %(n)s days"),
    "最近一次检查": "Last check",
    "每日待整改违规项": "Open violations per day",
    "最多 %(peak)s 项": "max. %(peak)s",
    "时间范围": "Period",
    "%(n)s 天": ("%(n)s day", "%(n)s days"),
    "%(n)s 项": ("%(n)s item", "%(n)s items"),
    "%(n)s 项待整改": ("%(n)s open violation", "%(n)s open violations"),
    "待整改": "Open",
    "已整改": "Resolved",
    "问题": "Issue",
    "发现日期": "Found on",
    "整改完成日期": "Resolved on",
    "持续时间": "Duration",
    "仍存在（%(seen)s）": "Still open (%(seen)s)",
    "没有符合条件的问题": "No issues match the filters",
    "请更改筛选条件。": "Try other filters.",
    "到目前为止的检查都没有发现问题。": "No check so far has found an issue.",
    "辖区小区合规排名": "Compliance ranking of the jurisdiction",
    "按待整改违规项从多到少排列（第34条监督检查）。数据来自每日定时检查和最近一次手动检查。": (
        "Sorted by open violations, most first (supervision under Art. 34). "
        "Data come from the daily check and the latest manual check."
    ),
    "辖区内还没有登记小区": "No communities registered in the jurisdiction yet",
    "小区登记并指定所属派出所后，会显示在这里。": (
        "Communities appear here once they are registered with their police station."
    ),
    "还没有运行过合规检查": "No compliance check has run yet",
    "辖区内有 %(n)s 个小区。每日定时检查运行后，这里按待整改违规项排列各小区。": (
        "There is %(n)s community in the jurisdiction. Once the daily check has run, "
        "communities are ranked here by open violations.",
        "There are %(n)s communities in the jurisdiction. Once the daily check has run, "
        "communities are ranked here by open violations.",
    ),
    "排名": "Rank",
    "建议项": "Advisory",
    "得分": "Score",
    "未检查": "Not checked",
    "合规报告": "Compliance report",
    "整改历史": "Issue history",
    "%(name)s 安全防范合规检查报告": "Security compliance report: %(name)s",
    "依据：《营口市居民住宅小区安全管理办法》（营政发〔2015〕42号）": (
        "Basis: Yingkou Measures for the Security Management of Residential Communities (营政发〔2015〕42号)"
    ),
    "北京时间": "Beijing time",
    "不符合：发现 %(n)s 项违规": (
        "Non-compliant: %(n)s violation found",
        "Non-compliant: %(n)s violations found",
    ),
    "未发现违规项": "No violations found",
    "得分（符合项占比）": "Score (share of checks passed)",
    "按条款汇总": "Summary by article",
    "红色：未被在用周界探测器覆盖的周界段落或周界缺口。上为北。": (
        "Red: perimeter stretches or gaps not covered by a perimeter detector in service. North is up."
    ),
    "没有需要检查的对象。": "Nothing to check.",
    "第36条 违规情形汇总": "Art. 36: summary of violations",
    "第36条：有下列行为之一的，由建设行政主管部门责令增补、修改、停工、返工、恢复原状或采取其他补救措施，并可处以罚款。": (
        "Art. 36: for any of the following acts, the construction authority orders additions, corrections, "
        "a halt to work, rework, restoration or other remedies, and may impose a fine."
    ),
    "暂无法评估：设计审查与变更记录随施工管理功能上线。": (
        "Not assessable yet: design review and change records arrive with the construction management feature."
    ),
    "未发现。": "None found.",
    "检查单位（盖章）": "Inspecting body (seal)",
    "小区管理单位（签字）": "Community management (signature)",
    "本报告由 anfang 根据登记信息自动生成：%(rules)s 条规则，%(n)s 项检查。": (
        "This report was generated automatically by anfang from the registered data: "
        "%(rules)s rules, %(n)s checks."
    ),
    "%(n)d 天": "%(n)d d",
    "%(n)d 小时": "%(n)d h",
    "%(n)d 分钟": "%(n)d min",
    "只有公安民警和平台管理员可以查看辖区小区排名。": (
        "Only police officers and platform administrators can view the ranking of a jurisdiction."
    ),
    # retention (Art. 33(2)) and security teams (Arts. 5, 6)
    "录像保存天数": "Recording retention (days)",
    "录像机/存储设备实际配置的保存天数（第33条第(2)项：不少于 30 天）。": (
        "Retention actually configured on the recorder / storage (Art. 33(2): at least 30 days)."
    ),
    "%(days)s 天": ("%(days)s day", "%(days)s days"),
    "少于 30 天（第33条第(2)项）": "Less than 30 days (Art. 33(2))",
    "物业保安队伍": "Property guard team",
    "社区巡防队": "Community patrol team",
    "视频保存天数": "Video retention (days)",
    "不少于 30 天（第33条第(2)项）。": "At least 30 days (Art. 33(2)).",
    "车辆信息和图片保存天数": "Vehicle data and image retention (days)",
    "不少于 90 天（第33条第(2)项）。": "At least 90 days (Art. 33(2)).",
    "人数": "Headcount",
    "负责人": "Person in charge",
    "服务合同编号": "Service contract no.",
    "物业服务合同中约定保安队伍（第5条）。": "The guard team agreed in the property service contract (Art. 5).",
    "派出所联系人": "Police station contact",
    "社区巡防队与派出所共同管理（第6条）。": (
        "The community patrol team is managed jointly with the police station (Art. 6)."
    ),
    "安保队伍": "Security teams",
    "安保队伍（第5、6条）": "Security teams (Arts. 5, 6)",
    "%(n)s 人": ("%(n)s person", "%(n)s people"),
    "安保队员（%(n)s 支队伍）": ("Guards (%(n)s team)", "Guards (%(n)s teams)"),
    "尚未登记安保队伍。": "No security team registered yet.",
    "查看安保队伍": "View security teams",
    "新增安保队伍": "Add security team",
    "无物业管理的小区由社区组建巡防队伍，与辖区派出所共同管理（第6条）。": (
        "In an unmanaged community the neighbourhood committee forms a patrol team, "
        "managed jointly with the police station (Art. 6)."
    ),
    "有物业管理的小区由物业服务企业按物业服务合同配备保安队伍（第5条）。": (
        "In a property-managed community the property company provides a guard team "
        "under the property service contract (Art. 5)."
    ),
    "尚未登记安保队伍。登记物业保安队伍或社区巡防队的人数、负责人和合同，合规检查据此核对第5、6条。": (
        "No security team registered yet. Register the property guard team or community patrol team "
        "with its headcount, person in charge and contract; the compliance check uses them for Arts. 5 and 6."
    ),
    # compliance: community page, dashboard
    "在图上定位": "Show on plan",
    "下载 PDF": "Download PDF",
    "下载 JSON": "Download JSON",
    "整改记录": "Issue history",
    "立即检查": "Check now",
    "按营政发〔2015〕42号逐条检查本小区的登记信息：人防、物防、技防设施，产品证书，验收与运行维护。": (
        "Checks this community's registered data against 营政发〔2015〕42号, article by article: "
        "guards, physical and technical protection, product certificates, acceptance, operation and maintenance."
    ),
    "每日定时检查后在此显示结果。": "The results appear here after the daily check.",
    "%(rules)s 条规则，%(n)s 项检查": "%(rules)s rules, %(n)s checks",
    "按条款得分": "Score by article",
    "编号或名称": "Code or name",
    "显示 %(shown)s / %(total)s 项检查结果。": "Showing %(shown)s of %(total)s check results.",
    "%(n)s 项符合": ("%(n)s compliant", "%(n)s compliant"),
    "另有 %(n)s 项符合，请用“对象”筛选查看。": (
        "%(n)s more compliant; filter by “Object” to see it.",
        "%(n)s more compliant; filter by “Object” to see them.",
    ),
    "设备数量较多，平面图只标出不符合项的设备。": "With this many devices, the plan shows only the non-compliant ones.",
    "没有符合筛选条件的检查结果": "No check results match the filters",
    "清除筛选": "Clear filters",
    "不符合项（含未覆盖的周界段落）": "Non-compliant items (incl. uncovered perimeter stretches)",
    "图上标出 %(n)s 项": ("%(n)s marked on the plan", "%(n)s marked on the plan"),
    "您在该小区没有执行合规检查的权限。": "You are not allowed to run a compliance check in this community.",
    "检查完成：发现 %(n)s 项违规。": "Check complete: %(n)s violation(s) found.",
    "检查完成：未发现违规项。": "Check complete: no violations found.",
    "安保队伍“%(value)s”重复（与 %(first)s 相同）。": "Duplicate security team “%(value)s” (same as %(first)s).",
    "合规排名": "Compliance ranking",
    "最近一次检查（%(at)s）发现 %(n)s 项违规。": (
        "The last check (%(at)s) found %(n)s violation.",
        "The last check (%(at)s) found %(n)s violations.",
    ),
    "还没有合规检查记录。": "No compliance check yet.",
    "查看合规检查": "View compliance check",
    # Ready for code that does not use them yet (unused keys are harmless):
    # list separators, if joined lists are wrapped as _("、").join(...) / _("或").join(...),
    "、": ", ",
    # article labels, if built as _("第%(n)s条") % {"n": n} (compliance/reports.py builds them by hand),
    "第%(n)s条": "Art. %(n)s",
    "第%(number)s条": "Art. %(number)s",
    "或": " or ",
    # and singular object names, if "新建%(kind)s" etc. get pgettext_lazy("singular", "设备") instead of the
    # model's verbose_name, which shares its msgid with navigation and list titles ("Devices").
    "singular\x04小区": "community",
    "singular\x04派出所": "police station",
    "singular\x04物业公司": "property company",
    "singular\x04位置": "location",
    "singular\x04周界段": "perimeter segment",
    "singular\x04设备": "device",
    "singular\x04设备型号": "device model",
    "singular\x04生产厂家": "manufacturer",
    "singular\x04产品证书": "product certificate",
    "singular\x04验收记录": "acceptance record",
    "singular\x04变更授权": "change authorisation",
    "singular\x04用户": "user",
    "singular\x04API 令牌": "API token",
    "singular\x04安保队伍": "security team",
    "singular\x04小区成员": "community member",
    "singular\x04变更记录": "change record",
    "singular\x04访问记录": "access record",
    "singular\x04合规检查": "compliance check",
    "singular\x04检查结果": "check result",
    "singular\x04问题记录": "finding record",
    "，": ", ",
    "编辑%(kind)s：%(name)s": "Edit %(kind)s: %(name)s",
    "删除%(kind)s：%(name)s": "Delete %(kind)s: %(name)s",
    "%(kind)s：%(child)s": "%(kind)s: %(child)s",
    # JSON types named in import problems (sites/exchange.py)
    "文本": "text",
    "整数": "integer",
    "数字": "number",
    "布尔值 true/false": "boolean true/false",
    "对象 {…}": "object {…}",
    "数组 […]": "array […]",
    # alarms: choices (types, priorities, states, outcomes, actions, police channels, event statuses, sources)
    "报警中心": "Alarm centre",
    "入侵报警": "Intrusion",
    "周界报警": "Perimeter alarm",
    "紧急求助": "Emergency help",
    "火警": "Fire",
    "燃气泄漏": "Gas leak",
    "漏水": "Water leak",
    "医疗求助": "Medical emergency",
    "防拆/遮挡": "Tamper / masking",
    "设备故障": "Device fault",
    "设备离线": "Device offline",
    "移动侦测": "Motion detection",
    "门磁开启": "Door contact open",
    "其他报警": "Other alarm",
    "紧急": "Critical",
    "高": "High",
    "中": "Medium",
    "低": "Low",
    "新警情": "New",
    "已确认接警": "Acknowledged",
    "核实中": "Verifying",
    "已派警": "Dispatched",
    "已处置": "Resolved",
    "真实警情": "Real incident",
    "误报": "False alarm",
    "测试": "Test",
    "产生报警": "Alarm raised",
    "同一防区再次报警": "Repeat alarm from the same zone",
    # the action names double as the buttons that perform them, hence the imperative
    "认领": "Claim",
    "释放认领": "Release claim",
    "接管": "Take over",
    "确认接警": "Acknowledge",
    "开始核实": "Start verifying",
    "派警": "Dispatch",
    "确认为真实警情": "Confirm real incident",
    "向公安报警": "Reported to police",
    "处置步骤完成": "Checklist step done",
    "处置完毕": "Resolve",
    "超时未确认，已升级": "Escalated: not acknowledged in time",
    "真实警情未及时报警，已升级": "Escalated: real incident not reported to the police in time",
    "110 报警电话": "110 police emergency line",
    "119 火警电话": "119 fire emergency line",
    "120 急救电话": "120 ambulance line",
    "派出所电话": "Police station phone",
    "公安联网平台": "Police network platform",
    "到派出所/现场报告": "In person (at the station or on site)",
    "已接收，待处理": "Received, not yet processed",
    "并入已有报警": "Added to an open alarm",
    "仅记录": "Logged only",
    "防区撤防，仅记录": "Zone disarmed, logged only",
    "心跳": "Heartbeat",
    "未知设备": "Unknown device",
    "无法解析": "Unparseable",
    "处理出错": "Processing error",
    "通用接口": "Generic API",
    "海康 ISAPI": "Hikvision ISAPI",
    "大华": "Dahua",
    "MQTT": "MQTT",
    "SIA DC-09": "SIA DC-09",
    "系统": "System",
    "报警超时未确认": "Alarm not acknowledged in time",
    "真实警情未报警": "Real incident not reported to the police",
    # alarms: models, filters, forms, export columns
    "报警编号": "Alarm no.",
    "报警类型": "Alarm type",
    "优先级": "Priority",
    "处置结果": "Outcome",
    "摘要": "Summary",
    "设备名称": "Device name",
    "防区": "Zone",
    # both when the alarm came in and when it was reported to the police (police report form and table)
    "报警时间": "Reported at",
    "首次事件时间": "First event at",
    "最近事件时间": "Last event at",
    "事件数": "Events",
    "处理人": "Handled by",
    "接警时间": "Acknowledged at",
    "接警人": "Acknowledged by",
    "核实时间": "Verification started at",
    "核实人": "Verified by",
    "派警时间": "Dispatched at",
    "派警人": "Dispatched by",
    "派往": "Dispatched to",
    "确认真实警情时间": "Confirmed real at",
    "确认人": "Confirmed by",
    "向公安报警时间": "Reported to police at",
    "报警方式": "Reported via",
    "接警民警/接警员": "Officer / call taker",
    "警情编号": "Police case no.",
    "报警记录人": "Police report recorded by",
    "处置完毕时间": "Resolved at",
    "处置人": "Resolved by",
    "处置说明": "Resolution notes",
    "升级时间": "Escalated at",
    "升级级别": "Escalation level",
    "报警记录": "Alarm history",
    "起始日期": "Start date",
    "截止日期": "End date",
    "已向公安报警": "Reported to police",
    "截止日期不能早于起始日期。": "The end date cannot be before the start date.",
    "处理结果": "Processing result",
    "来源": "Source",
    "时钟偏差超过 5 秒": "Clock drift over 5 s",
    "接管（该报警正由其他人处理）": "Take over (someone else is handling this alarm)",
    "不能包含空字符。": "Must not contain NUL characters.",
    "派往（保安/队伍）": "Dispatched to (guard / team)",
    "如：巡逻一组 张师傅": "e.g. Patrol team 1, Mr Zhang",
    "备注内容": "Note",
    "留空则按报警类型的默认优先级。": "Leave empty to use the alarm type's default priority.",
    "处置步骤": "Checklist",
    "每行一个步骤，按处置顺序填写。": "One step per line, in the order they are to be done.",
    "至少填写一个步骤。": "Enter at least one step.",
    "最多 %(n)s 个步骤。": "At most %(n)s steps.",
    "第 %(line)s 步超过 %(n)s 个字。": "Step %(line)s is longer than %(n)s characters.",
    "新报警在这段时间内无人确认，即升级并通知管理员（5–3600 秒）。": "A new alarm nobody acknowledges within this time is escalated and the managers are notified (5–3600 s).",
    "确认为真实警情后须在此时限内向公安报警，否则升级（第16条，1–120 分钟）。": "Once an alarm is confirmed as a real incident, it must be reported to the police within this time, or it is escalated (Art. 16; 1–120 min).",
    "同一防区在此时间内再次报警，并入未处置的报警（0–86400 秒）。": "A repeat alarm from the same zone within this time is added to the open alarm (0–86400 s).",
    "AES 密钥（十六进制）": "AES key (hex)",
    "加密账号填写 32、48 或 64 位十六进制密钥；不加密则留空。": "For an encrypted account, enter a key of 32, 48 or 64 hex digits; leave empty for no encryption.",
    "清除已设置的密钥（改为不加密）": "Remove the stored key (no encryption)",
    "报警主机的 SIA 账号（3–16 位字母或数字），全平台唯一。": "The alarm panel's SIA account (3–16 letters or digits), unique across the platform.",
    "已设置。留空保持不变；填写新密钥则替换。": "A key is set. Leave empty to keep it; enter a new key to replace it.",
    "SIA 账号须为 3–16 位字母或数字。": "An SIA account must be 3–16 letters or digits.",
    "密钥须为 32、48 或 64 位十六进制字符（0–9、A–F）。": "The key must be 32, 48 or 64 hex characters (0–9, A–F).",
    "清除密钥时不能同时填写新密钥。": "You cannot remove the key and enter a new one at the same time.",
    "接收时间": "Received at",
    "设备事件编号": "Device event ID",
    "事件类型": "Event type",
    "设备原始代码": "Vendor code",
    "恢复": "Restore",
    "发生时间": "Occurred at",
    "设备时钟偏差（秒）": "Device clock drift (s)",
    "文字": "Text",
    "数据": "Data",
    "原始报文": "Raw message",
    "报文类型": "Content type",
    "错误": "Error",
    "报警": "Alarm",
    "处理时间": "Processed at",
    "singular\x04设备事件": "device event",
    "设备事件": "Device events",
    "图片": "Picture",
    "大小（字节）": "Size (bytes)",
    "singular\x04事件图片": "event picture",
    "事件图片": "Event picture",
    "防区号": "Zone no.",
    "设备上报的防区/通道号；留空表示整台设备。": "The zone or channel number the device reports; leave empty for the whole device.",
    "留空则按设备上报的事件类型。": "Leave empty to use the event type the device reports.",
    # the state (badge, field) and, on the zone page, also the button that arms / disarms a zone
    "布防": "Armed",
    "singular\x04防区": "alarm zone",
    "SIA 账号": "SIA account",
    "singular\x04SIA 账号": "SIA account",
    "每行一个步骤。": "One step per line.",
    "singular\x04处置预案": "operating procedure",
    "处置预案": "Operating procedures",
    "未确认升级时间（秒）": "Escalate if not acknowledged within (s)",
    "真实警情报警时限（分钟）": "Police report deadline for real incidents (min)",
    "同一防区合并时间窗（秒）": "Same-zone merge window (s)",
    "singular\x04报警策略": "alarm policy",
    "报警策略": "Alarm policy",
    "认领时间": "Claimed at",
    "报警时间（公安）": "Reported to police at",
    "报警超时时间": "Police report overdue at",
    "singular\x04报警": "alarm",
    "动作": "Action",
    "原状态": "Old status",
    "新状态": "New status",
    "singular\x04报警处置记录": "alarm action",
    "报警处置记录": "Alarm actions",
    "序号": "No.",
    "步骤": "Step",
    "完成时间": "Done at",
    "完成人": "Done by",
    "singular\x04处置步骤": "checklist step",
    "记录人": "Recorded by",
    "记录时间": "Recorded at",
    "singular\x04向公安报警记录": "police report",
    "向公安报警记录": "Police reports",
    "内容": "Content",
    "已读时间": "Read at",
    "singular\x04通知": "notification",
    "通知": "Notifications",
    # alarms: built-in operating procedures (checklist steps)
    "调取报警位置附近的摄像机画面核实": "Check the cameras near the alarm location",
    "派保安到现场查看并保持通话": "Send a guard to the scene and stay in contact",
    "确认为真实警情的，立即向公安机关报警（第16条）": "If it is a real incident, report it to the police at once (Art. 16)",
    "记录处置经过和结果": "Record what was done and the outcome",
    "调取画面核实烟雾/火情": "Check the cameras for smoke or fire",
    "确认火情立即拨打 119，并报告派出所（第16条）": "If there is a fire, call 119 at once and inform the police station (Art. 16)",
    "派保安携带灭火器到场，组织疏散": "Send guards with fire extinguishers and organise the evacuation",
    "通知物业负责人": "Inform the property manager in charge",
    "回拨/对讲联系求助住户": "Call the resident back (phone or intercom)",
    "派保安立即到场": "Send a guard at once",
    "涉及人身安全的，立即拨打 110/120（第16条）": "If anyone's safety is at risk, call 110/120 at once (Art. 16)",
    "调取周界附近摄像机画面核实是否有人翻越": "Check the perimeter cameras for anyone climbing over",
    "派巡逻保安到报警周界段": "Send a patrol to the perimeter segment in alarm",
    "确认有人非法进入，立即向公安机关报警（第16条）": "If someone has broken in, report it to the police at once (Art. 16)",
    "检查设备供电和网络": "Check the device's power and network",
    "通知维保人员报修": "Report it to maintenance for repair",
    "记录离线原因": "Record why it went offline",
    "确认故障现象": "Find out what the fault is",
    "记录故障和处理结果": "Record the fault and how it was dealt with",
    # alarms: services
    "只有值班员或管理员可以处置报警。": "Only duty operators and managers can handle alarms.",
    "该报警正由 %(name)s 处理；如需接管请选择“接管”。": "%(name)s is handling this alarm; choose “Take over” to take it over.",
    "报警当前为“%(from)s”，不能改为“%(to)s”。": "The alarm is “%(from)s” and cannot change to “%(to)s”.",
    "该报警已处置完毕。": "This alarm has already been resolved.",
    "您没有认领该报警。": "You have not claimed this alarm.",
    "请填写派往的保安或队伍。": "Enter the guard or team dispatched.",
    "请选择处置结果。": "Choose an outcome.",
    "请填写处置说明。": "Enter the resolution notes.",
    "请选择报警方式。": "Choose how it was reported.",
    "报警时间不能晚于当前时间。": "The time of the police report cannot be in the future.",
    "报警时间不能早于报警发生时间。": "The time of the police report cannot be before the alarm.",
    "没有这个处置步骤。": "No such checklist step.",
    "请填写备注内容。": "Enter a note.",
    "报警 #%(id)s（%(type)s）超过 %(s)s 秒无人确认。": "Alarm #%(id)s (%(type)s) has not been acknowledged for over %(s)s s.",
    "报警 #%(id)s 已确认为真实警情，%(m)s 分钟内未向公安报警（第16条）。": (
        "Alarm #%(id)s was confirmed as a real incident but not reported to the police within %(m)s min (Art. 16)."
    ),
    "设备已恢复在线（%(at)s）。": "The device is back online (%(at)s).",
    "只有值班员或管理员可以布防、撤防。": "Only duty operators and managers can arm or disarm.",
    "没有这个防区。": "No such zone.",
    "只有平台管理员可以重新处理未知设备的事件。": "Only a platform administrator can reprocess events from unknown devices.",
    "设备“%(code)s”仍未登记，请先登记该设备。": "Device “%(code)s” is still not registered; register it first.",
    "该设备已有同一事件编号的事件，本事件是重复上报。": "The device already has an event with this event ID; this one is a duplicate.",
    "只有管理员可以重新处理事件。": "Only managers can reprocess events.",
    "只有处理出错或来自未登记设备的事件可以重新处理。": "Only events that failed or came from unregistered devices can be reprocessed.",
    # alarms: console, alarm page
    "报警控制台": "Alarm console",
    "%(n)s 条未处置": ("%(n)s open", "%(n)s open"),
    "action\x04布防": "Arm",
    "action\x04撤防": "Disarm",
    "开启提示音": "Turn on sound",
    "提示音已开启": "Sound on",
    "快捷键": "Keyboard shortcuts",
    "正在连接…": "Connecting…",
    "实时连接正常": "Live",
    "实时连接已断开，正在重连…": "Live connection lost, reconnecting…",
    "实时连接已恢复。": "Live connection restored.",
    # count-neutral: console.js also fills it in through gettext (the singular form) for any count
    "其他小区另有 %(n)s 条未处置报警。": "Open alarms in other communities: %(n)s.",
    "另有 %(n)s 条未处置报警未列出：控制台只列出最紧急的 %(limit)s 条。": (
        "Open alarms not listed: %(n)s. The console lists the %(limit)s most urgent ones."
    ),
    "显示全部小区": "Show all communities",
    "j/k 或 ↑/↓ 选择，a 确认接警，c 认领，Enter 打开，? 帮助": "j/k or ↑/↓ select, a acknowledge, c claim, Enter open, ? help",
    "时长": "Duration",
    "当前没有未处置的报警": "No open alarms",
    "新报警会立即出现在这里，并发出提示音（请先点击“开启提示音”）。": (
        "New alarms appear here at once, with a sound (click “Turn on sound” first)."
    ),
    "下一条": "Next alarm",
    "上一条": "Previous alarm",
    "打开报警详情": "Open the alarm",
    "显示/关闭本帮助": "Show / hide this help",
    "关闭": "Close",
    "已升级": "Escalated",
    "事件数：": "Events:",
    "处理人：": "Handled by:",
    "该报警正由 %(name)s 处理，是否接管？": "%(name)s is handling this alarm. Take it over?",
    "新报警：%(type)s · %(place)s": "New alarm: %(type)s · %(place)s",
    "操作未成功：": "Action failed: ",
    "%(s)s 秒": "%(s)s s",
    "%(m)s 分 %(s)s 秒": "%(m)s min %(s)s s",
    "%(h)s 小时 %(m)s 分": "%(h)s h %(m)s min",
    "报警 #%(id)s %(type)s": "Alarm #%(id)s %(type)s",
    "返回控制台": "Back to the console",
    "已确认为真实警情，尚未记录向公安报警。按第16条规定，应立即向公安机关报警。": (
        "Confirmed as a real incident, but no police report has been recorded. "
        "Under Art. 16 it must be reported to the police at once."
    ),
    "该报警已被他人更新。": "Someone else has updated this alarm.",
    "刷新": "Reload",
    "报警概况": "Alarm details",
    "我": "you",
    "处置时间": "Timeline",
    "该报警没有处置步骤。": "This alarm has no checklist.",
    "处置记录": "History",
    "处置操作": "Actions",
    "您可以查看该报警，处置由值班员或管理员进行。": "You can view this alarm; duty operators and managers handle it.",
    "您正在处理该报警。": "You are handling this alarm.",
    "该报警正由 %(name)s 处理。": "%(name)s is handling this alarm.",
    "尚无人认领。": "Nobody has claimed it yet.",
    "记录向公安报警": "Record police report",
    "向公安报警（第16条）": "Report to the police (Art. 16)",
    "添加备注": "Add note",
    "接管（该报警正由 %(name)s 处理）": "Take over (%(name)s is handling this alarm)",
    "设备事件（%(n)s）": ("Device event (%(n)s)", "Device events (%(n)s)"),
    "时钟偏差 %(s)s 秒": "Clock drift %(s)s s",
    "查看事件图片会记入访问日志（第33条第(5)项）。": "Viewing event pictures is recorded in the access log (Art. 33(5)).",
    "没有设备事件（由系统产生的报警）。": "No device events (the system raised this alarm).",
    "可查看该位置的摄像机": "Cameras covering this location",
    "视频预览将在后续版本提供。": "Video preview will come in a later version.",
    "没有登记能看到该位置的摄像机。": "No registered camera covers this location.",
    "没有该报警或无权访问。": "No such alarm, or you have no access to it.",
    "已认领该报警。": "You have claimed this alarm.",
    "已接管该报警。": "You have taken over this alarm.",
    "已释放认领。": "Claim released.",
    "已确认接警。": "Alarm acknowledged.",
    "已开始核实。": "Verification started.",
    "已派警。": "Dispatch recorded.",
    "已确认为真实警情，请立即向公安报警（第16条）。": "Confirmed as a real incident. Report it to the police at once (Art. 16).",
    "已记录向公安报警。": "Police report recorded.",
    "处置步骤已更新。": "Checklist updated.",
    "已添加备注。": "Note added.",
    "报警已处置完毕。": "Alarm resolved.",
    "请检查填写的内容。": "Please check what you entered.",
    # alarm toasts on every page; {% translate %} doubles "%" in the msgid, so the msgstr keeps "%%"
    "有新报警，但浏览器阻止了提示音。请点击页面任意处或按任意键开启提示音。": (
        "New alarm, but the browser blocked the sound. Click anywhere on the page or press any key to turn it on."
    ),
    "点击开启提示音": "Click to turn on sound",
    "新报警：%%(type)s · %%(place)s": "New alarm: %%(type)s · %%(place)s",
    "报警已升级：%%(type)s · %%(place)s": "Alarm escalated: %%(type)s · %%(place)s",
    "控制台": "Console",
    # alarms: history, configuration
    "导出 Excel": "Export Excel",
    "导出 CSV": "Export CSV",
    "此处只列出已向公安报警的警情（第16条）。": "Only cases reported to the police are listed here (Art. 16).",
    "位置/设备": "Location / device",
    "没有符合条件的报警。": "No alarms match the filters.",
    "请放宽筛选条件，例如扩大日期范围。": "Try wider filters, e.g. a longer date range.",
    "尚无报警记录。": "No alarms yet.",
    "设备上报的报警会出现在值班台，处置完毕后在这里留档。": (
        "Alarms reported by devices appear on the duty console and are kept here once resolved."
    ),
    "筛选条件有误，未导出。请更正后重试。": "The filters are invalid, so nothing was exported. Please correct them and try again.",
    "全部报警": "All alarms",
    "%(community)s 报警记录": "Alarm history: %(community)s",
    "筛选：%(filter)s；导出时间：%(at)s；共 %(n)s 条": "Filter: %(filter)s; exported: %(at)s; total: %(n)s",
    "本小区尚未设置报警策略，正在使用默认值。": "This community has no alarm policy of its own; the defaults apply.",
    "恢复默认": "Reset to default",
    "默认值": "Defaults",
    "已保存报警策略。": "Alarm policy saved.",
    "报警策略已恢复默认值。": "Alarm policy reset to the defaults.",
    "处置预案：%(type)s": "Operating procedure: %(type)s",
    "内置默认步骤": "Built-in default steps",
    "本小区尚未自定义，正在使用默认预案。": "This community has not customised it; the default procedure applies.",
    "每类报警产生时，按这里的步骤生成处置清单；值班员逐项勾选，时间和操作人记入值班记录（第16条）。修改只影响之后产生的报警。": (
        "When an alarm is raised, its checklist is made from the steps for its type; the duty operator ticks "
        "them off one by one, and the time and operator go into the duty log (Art. 16). "
        "Changes affect only alarms raised afterwards."
    ),
    "本小区预案": "Community procedure",
    "平台预案": "Platform procedure",
    "内置默认": "Built-in default",
    "已保存“%(type)s”的处置预案；之后产生的报警按新步骤处置。": (
        "Saved the operating procedure for “%(type)s”; alarms raised from now on use the new steps."
    ),
    "“%(type)s”已恢复默认处置预案。": "“%(type)s” is back to the default operating procedure.",
    "新增 SIA 账号": "Add SIA account",
    "报警主机通过 SIA DC-09 协议向平台报警。每个账号对应一台报警主机；加密的账号需要填写主机上设置的 AES 密钥。": (
        "Alarm panels report to the platform over SIA DC-09. Each account belongs to one alarm panel; "
        "an encrypted account needs the AES key set on the panel."
    ),
    "AES 密钥": "AES key",
    "已设置": "Set",
    "不加密": "Not encrypted",
    "尚未配置 SIA 账号。": "No SIA accounts configured yet.",
    "未配置账号的报警主机发来的报文无法对应到设备，不会产生报警。": (
        "Messages from a panel without an account cannot be matched to a device and raise no alarm."
    ),
    "防区与布撤防": "Zones and arming",
    "新增防区": "Add zone",
    "撤防的防区上报入侵、周界等报警时只记录不报警；紧急求助、火警、燃气、漏水、防拆和设备故障为 24 小时防区，撤防后仍然报警。": (
        "Intrusion, perimeter and similar alarms from a disarmed zone are only logged, not raised; "
        "emergency help, fire, gas, water leak, tamper and device fault are 24-hour zones "
        "and raise alarms even when disarmed."
    ),
    # like 布防: the state, and the button that disarms a zone
    "撤防": "Disarmed",
    "%(n)s 个防区撤防": ("%(n)s zone disarmed", "%(n)s zones disarmed"),
    "整机布防": "Arm whole device",
    "整机撤防": "Disarm whole device",
    "整机设置：": "Whole device: ",
    "按上报": "As reported",
    "默认": "Default",
    "未划分防区：整台设备作为一个防区。": "No zones defined: the whole device is one zone.",
    "本小区尚未登记报警设备。": "No alarm devices registered in this community yet.",
    "周界电子防护系统和住户报警系统的设备（报警主机、红外对射、紧急按钮等）登记后会出现在这里。": (
        "Devices of the electronic perimeter and resident alarm subsystems "
        "(alarm panels, infrared beams, panic buttons, etc.) appear here once registered."
    ),
    "查看设备": "View devices",
    "已布防：%(what)s": "Armed: %(what)s",
    "已撤防：%(what)s（撤防期间入侵报警只记录，不报警）": (
        "Disarmed: %(what)s (while disarmed, intrusion alarms are only logged, not raised)"
    ),
    # arming and disarming as duty-log lines
    "布防：%(target)s": "Armed: %(target)s",
    "撤防：%(target)s": "Disarmed: %(target)s",
    "%(device)s（全部防区）": "%(device)s (all zones)",
    "%(device)s 防区 %(zone)s": "%(device)s zone %(zone)s",
    "整机": "whole device",
    # alarms: device events
    "未归属的设备事件": "Unassigned device events",
    "来自未登记设备的事件和无法解析、也无法对应到设备的报文。登记设备后可重新处理。": (
        "Events from unregistered devices, and messages that could neither be parsed nor matched to a device. "
        "Once the device is registered, they can be reprocessed."
    ),
    "设备发来的每一条报文都先保存、后处理；这里列出处理结果。设备时钟与平台相差超过 5 秒的会标出。": (
        "Every message a device sends is stored first and processed afterwards; this list shows the results. "
        "Device clocks more than 5 s off the platform's are flagged."
    ),
    "事件": "Event",
    "时钟偏差": "Clock drift",
    "设备时钟偏差超过 5 秒": "Device clock more than 5 s off",
    "没有符合条件的事件。": "No events match the filters.",
    "没有未归属的事件。": "No unassigned events.",
    "所有报文都来自已登记的设备。": "All messages come from registered devices.",
    "尚未收到设备事件。": "No device events received yet.",
    "设备接入后（海康 ISAPI、大华、MQTT、SIA 或通用接口），收到的每条报文都会列在这里。": (
        "Once devices are connected (Hikvision ISAPI, Dahua, MQTT, SIA or the generic API), "
        "every message received is listed here."
    ),
    "设备事件 #%(id)s": "Device event #%(id)s",
    "重新处理": "Reprocess",
    "返回列表": "Back to the list",
    "错误：": "Error: ",
    "发生时间（设备）": "Occurred at (device clock)",
    "超过 5 秒，请校准设备时钟": "More than 5 s off: please set the device clock",
    "解析后的数据": "Parsed data",
    "无": "None",
    "%(n)s 字节": "%(n)s bytes",
    "未保存原始报文（已正常解析的事件通常只保存解析结果）。": (
        "The raw message was not kept (for events parsed without problems, usually only the result is stored)."
    ),
    "二进制内容，以十六进制显示。": "Binary content, shown as hex.",
    "内容较长，只显示开头部分；完整内容请下载。": "Long content: only the beginning is shown; download it to see all of it.",
    "下载原始报文": "Download raw message",
    "重新处理仍然出错：%(status)s": "Reprocessing failed again: %(status)s",
    "已重新处理，结果：%(status)s": "Reprocessed; result: %(status)s",
    # alarms: notifications (page and the bell in the top bar)
    "%(n)s 条未读": "%(n)s unread",
    "通知（%(n)s 条未读）": ("Notifications (%(n)s unread)", "Notifications (%(n)s unread)"),
    "全部标为已读": "Mark all as read",
    "未读": "Unread",
    "查看报警": "View alarm",
    "标为已读": "Mark as read",
    "没有未读通知。": "No unread notifications.",
    "暂无通知。": "No notifications yet.",
    "报警超时无人确认、真实警情未及时报警时，会在这里通知管理员。": (
        "Managers are notified here when an alarm is not acknowledged in time "
        "or a real incident is not reported to the police in time."
    ),
    "已将 %(n)s 条通知标为已读。": "Marked %(n)s notification(s) as read.",
    "查看全部通知": "View all notifications",
    # core: supervisor, navigation
    "[supervisor] 未找到 mosquitto，MQTT 设备暂不可接入（apt-get install mosquitto）": (
        "[supervisor] mosquitto not found; MQTT devices cannot connect for now (apt-get install mosquitto)"
    ),
    "值班室": "Duty room",
    "值班记录": "Duty log",
    "排班": "Roster",
    "防区布撤防": "Arm / disarm zones",
    "SIA 报警主机账号": "SIA alarm panel accounts",
    "报警与值班": "Alarms and duty",
    "未识别的设备事件": "Unrecognised device events",
    # devices: outages (Art. 33(1))
    "离线时间": "Went offline",
    "恢复时间": "Back online",
    "最后心跳": "Last heartbeat",
    "singular\x04离线记录": "outage",
    "离线记录": "Outages",
    "在线与离线记录（第33条第(1)项）": "Online and offline record (Art. 33(1))",
    "最近心跳：%(at)s": "Last heartbeat: %(at)s",
    "尚未收到心跳。": "No heartbeat received yet.",
    "心跳间隔 %(s)s 秒": ("Heartbeat every %(s)s second", "Heartbeat every %(s)s seconds"),
    "仍离线": "Still offline",
    "没有离线记录。": "No outages recorded.",
    # duty: choices, forms, models, services, command
    "值班管理": "Duty management",
    "报警处置": "Alarm handling",
    "交接班": "Handover",
    "周一": "Mon",
    "周二": "Tue",
    "周三": "Wed",
    "周四": "Thu",
    "周五": "Fri",
    "周六": "Sat",
    "周日": "Sun",
    "每天": "Every day",
    "开始时间": "Start time",
    "结束时间": "End time",
    "值班人员": "People on duty",
    "适用星期": "Days of the week",
    "值班室/监控中心": "Duty room / monitoring centre",
    "例如：22:10 巡查南门，一切正常。": "e.g. 22:10 checked the south gate, all in order.",
    "（不指定）": "(not specified)",
    "接班人": "Taken over by",
    "交班人": "Handed over by",
    "交接事项": "Handover notes",
    "交接时间": "Handover time",
    "日期": "Date",
    "最少在岗人数": "Minimum people on duty",
    "任何时刻在岗人数少于此数即为脱岗（第16条：24小时值守）。": (
        "Fewer people on duty than this at any moment counts as a gap (Art. 16: staffed 24 hours a day)."
    ),
    "singular\x04排班表": "roster",
    "排班表": "Rosters",
    "排班表只能建在安防值班室或监控中心。": "A roster can only be kept for a duty room or a monitoring centre.",
    "该位置不属于本小区。": "This location does not belong to this community.",
    "班次名称": "Shift name",
    "结束时间不晚于开始时间表示到次日，例如 16:00–00:00、22:00–06:00。": (
        "An end time not after the start time means the next day, e.g. 16:00–00:00, 22:00–06:00."
    ),
    "已生成至": "Generated until",
    "singular\x04班次模板": "shift template",
    "班次模板": "Shift templates",
    "请至少选择一天。": "Select at least one day.",
    "singular\x04值班班次": "shift",
    "值班班次": "Shifts",
    "结束时间必须晚于开始时间。": "The end time must be after the start time.",
    "一个班次不能超过 48 小时。": "A shift cannot be longer than 48 hours.",
    "移交的未处置报警": "Open alarms handed over",
    "singular\x04交接班记录": "handover",
    "交接班记录": "Handovers",
    "singular\x04值班记录": "duty log entry",
    "%(action)s：%(alarm)s（%(where)s）": "%(action)s: %(alarm)s (%(where)s)",
    "%(action)s：%(alarm)s": "%(action)s: %(alarm)s",
    "交接班：%(from)s → %(to)s": "Handover: %(from)s → %(to)s",
    "，移交未处置报警 %(n)s 起": ", %(n)s open alarm(s) handed over",
    "值班人员必须是本小区的成员。": "People on duty must be members of this community.",
    "请填写值班记录内容。": "Enter the duty log entry.",
    "值班记录不能超过 %(n)s 字。": "A duty log entry cannot be longer than %(n)s characters.",
    "没有该排班表。": "No such roster.",
    "请选择接班人。": "Choose who takes over.",
    "接班人必须是本小区的成员。": "The person taking over must be a member of this community.",
    "交班人和接班人不能是同一人。": "The person handing over and the person taking over cannot be the same.",
    "已生成 %(n)s 个班次。": "Generated %(n)s shift(s).",
    "日期“%(date)s”无效，请使用 YYYY-MM-DD。": "Invalid date “%(date)s”; use YYYY-MM-DD.",
    # duty: room, roster, log, handover pages
    "值班": "Duty",
    "未处置报警": "Open alarms",
    "进入报警台": "Go to the console",
    "今日值班记录": "Today's duty log",
    "今日值班记录（%(day)s）": "Today's duty log (%(day)s)",
    "全部记录": "All entries",
    "“%(name)s”没有排班表，不能保证24小时值守（第16条）。": (
        "“%(name)s” has no roster, so round-the-clock staffing is not ensured (Art. 16)."
    ),
    "当前在岗": "On duty now",
    "无人在岗": "Nobody on duty",
    "少于 %(n)s 人": "Fewer than %(n)s",
    "下一班": "Next shift",
    "未排班": "Not scheduled",
    "未排人": "Nobody assigned",
    "未来24小时": "Next 24 hours",
    "全部覆盖": "Fully covered",
    "还没有排班表。为安防值班室和监控中心各建一张排班表，保证24小时有人值守（第16条）。": (
        "No roster yet. Create a roster for the duty room and one for the monitoring centre, "
        "so that both are staffed 24 hours a day (Art. 16)."
    ),
    "新建排班表": "New roster",
    "编辑排班表": "Edit roster",
    "新增班次": "Add shift",
    "%(start)s 起一周": "Week from %(start)s",
    "上一周": "Previous week",
    "本周": "This week",
    "下一周": "Next week",
    "%(place)s · 最少在岗 %(n)s 人": "%(place)s · at least %(n)s on duty",
    "本周 %(n)s 分钟无人值守": "%(n)s min unstaffed this week",
    "本周24小时全覆盖": "Staffed 24 hours a day all week",
    "每小时在岗人数": "People on duty per hour",
    "%(n)s 人在岗": ("%(n)s person on duty", "%(n)s people on duty"),
    "%(n)s 分钟不足": "%(n)s min short",
    "已覆盖（数字为在岗人数）": "Covered (the number is how many are on duty)",
    "人数不足或无人值守": "Understaffed or unstaffed",
    "本周班次": "Shifts this week",
    "开始": "Start",
    "结束": "End",
    "按模板生成": "From template",
    "本周没有班次。": "No shifts this week.",
    "每周班次模板": "Weekly shift templates",
    "新增模板班次": "Add template shift",
    "按模板自动生成未来 %(days)s 天的班次（系统每天续排）。修改模板会重新生成尚未开始的班次；手工修改过的班次不受影响。": (
        "Shifts for the next %(days)s days are generated from the templates (extended every day). "
        "Changing a template regenerates the shifts that have not started; shifts edited by hand stay as they are."
    ),
    "生成未来 %(days)s 天班次": "Generate shifts for the next %(days)s days",
    "还没有模板。例如：夜班 00:00–08:00、白班 08:00–16:00、中班 16:00–00:00。": (
        "No templates yet. For example: night 00:00–08:00, day 08:00–16:00, evening 16:00–00:00."
    ),
    "已生成 %(n)s 个班次（未来 %(days)s 天）。": "Generated %(n)s shift(s) for the next %(days)s days.",
    "当天还没有值班记录。": "No duty log entries for this day yet.",
    "下载值班记录 PDF": "Download duty log (PDF)",
    "前一天": "Previous day",
    "后一天": "Next day",
    "今天": "Today",
    "新增值班记录": "New duty log entry",
    "记录": "Add entry",
    "记录以提交时间为准，提交后不能修改或删除。": (
        "Entries are timed when submitted and cannot be changed or deleted afterwards."
    ),
    "%(n)s 条记录": ("%(n)s entry", "%(n)s entries"),
    "已记录。": "Recorded.",
    "不支持的格式。": "Unsupported format.",
    "还没有排班表，无法交接班。": "There is no roster yet, so no handover is possible.",
    "将移交 %(n)s 起未处置报警": (
        "%(n)s open alarm will be handed over",
        "%(n)s open alarms will be handed over",
    ),
    "当前没有未处置的报警。": "There are no open alarms.",
    "确认交接": "Confirm handover",
    "最近交接": "Recent handovers",
    "移交报警": "Alarms handed over",
    "已交接给 %(name)s，移交未处置报警 %(n)s 起。": "Handed over to %(name)s with %(n)s open alarm(s).",
    # duty: the day's duty record (PDF / HTML, Art. 16)
    "%(name)s 值班记录 %(day)s": "%(name)s duty log %(day)s",
    "%(name)s 安防值班记录": "Security duty log: %(name)s",
    "%(day)s（北京时间） · 小区编号 %(code)s": "%(day)s (Beijing time) · community code %(code)s",
    "依据：营政发〔2015〕42号 第16条": "Basis: 营政发〔2015〕42号, Art. 16",
    "生成时间：%(at)s": "Generated: %(at)s",
    "一、当日排班与在岗情况": "1. Roster and staffing of the day",
    "%(n)s 分钟在岗人数不足": "%(n)s min understaffed",
    "24小时全覆盖": "Staffed 24 hours",
    "班次时间": "Shift",
    "当日无班次": "No shifts this day",
    "无人或人数不足时段：": "Unstaffed or understaffed: ",
    "没有排班表。": "No roster.",
    "二、值班日志": "2. Duty log",
    "当天没有值班记录。": "No duty log entries this day.",
    "三、报警及处置时间": "3. Alarms and response times",
    "接警": "Acknowledged",
    "未接警": "Not acknowledged",
    "当天没有报警。": "No alarms this day.",
    "四、交接班": "4. Handovers",
    "当天没有交接班记录。": "No handovers this day.",
    "值班负责人签字": "Duty supervisor (signature)",
    "物业/社区负责人签字": "Property / community manager (signature)",
    # vehicles: navigation (the rest of the vehicle pages comes with the next catalogue run)
    "车辆出入": "Vehicle gates",
    "车道值守": "Lanes",
    "过车记录": "Passages",
    "场内车辆": "Vehicles inside",
    # vehicles: lanes, plates, passages, visitor passes, blacklist, barriers, lane view, search and export
    "黑名单车辆": "Blacklisted vehicle",
    "查看车道画面，核对车牌和车辆": "Check the lane view: compare plate and vehicle",
    "通知出入口保安拦停车辆，不要放行": "Tell the entrance guard to stop the vehicle and not let it in",
    "按黑名单原因需要时，立即向公安机关报警（第16条）": "If the blacklist reason calls for it, report to the police at once (Art. 16)",
    "车辆与道闸": "Vehicles and barriers",
    "入场": "In",
    "出场": "Out",
    "放行": "Open",
    "禁止": "Refuse",
    "请保安确认": "Ask the guard",
    "业主车辆": "Resident vehicle",
    "业主车辆已过有效期": "Resident vehicle expired",
    "访客通行证": "Visitor pass",
    "访客通行证次数已用完": "Visitor pass used up",
    "访客通行证不在有效时间内": "Visitor pass not valid at this time",
    "开放时段": "Open hours",
    "出场放行": "Leaving",
    "未识别车牌": "Plate not recognised",
    "陌生车辆": "Unknown vehicle",
    "仅限业主车辆": "Lane for residents only",
    "人工处理": "Manual decision",
    "仅业主车辆": "Resident vehicles only",
    "业主车辆和持通行证访客": "Resident vehicles and visitors with a pass",
    "全部放行": "Open to all vehicles",
    "蓝": "Blue",
    "黄": "Yellow",
    "绿": "Green",
    "黄绿": "Yellow-green",
    "白": "White",
    "黑": "Black",
    "小型汽车": "Small vehicle",
    "大型汽车": "Large vehicle",
    "小型新能源汽车": "Small new-energy vehicle",
    "大型新能源汽车": "Large new-energy vehicle",
    "挂车": "Trailer",
    "教练汽车": "Coach (driving school)",
    "警用汽车": "Police vehicle",
    "香港入出境车": "Hong Kong cross-border vehicle",
    "澳门入出境车": "Macau cross-border vehicle",
    "使馆汽车": "Embassy vehicle",
    "领馆汽车": "Consulate vehicle",
    "无车牌": "No plate",
    "无法识别的号牌": "Unrecognised plate",
    "无需开闸": "No opening needed",
    "待发送": "Pending",
    "已开闸": "Opened",
    "开闸失败": "Opening failed",
    "车道无道闸": "Lane has no barrier",
    "识别记录已过时，未开闸": "Recognition too old; not opened",
    "大华 ITC": "Dahua ITC",
    "接口": "API",
    "平台车牌识别": "Platform plate recognition",
    "车牌号无效：%(problem)s": "Invalid plate: %(problem)s",
    "该车牌已登记。": "This plate is already registered.",
    "例如 辽H12345；保存时自动规范为标准写法。": "The full plate including its province character; normalised to the standard form on saving.",
    "有效期至不能早于有效期自。": "“Valid until” cannot be earlier than “valid from”.",
    "请填写原因。": "Please enter a reason.",
    "道闸密码": "Barrier password",
    "留空则保持原密码不变。": "Leave blank to keep the current password.",
    "清除已保存的道闸密码": "Clear the saved barrier password",
    "例如 http://192.168.1.64（海康 ISAPI 道闸控制）。": "E.g. http://192.168.1.64 (Hikvision ISAPI barrier control).",
    "已保存密码；留空则保持不变。": "A password is saved; leave blank to keep it.",
    "车道编号不能为空，不能含“/”。": "The lane code must not be empty or contain “/”.",
    "该车道编号已存在。": "This lane code already exists.",
    "开放时段需要同时填写开始和结束时间。": "Open hours need both a start and an end time.",
    "道闸控制地址须以 http:// 或 https:// 开头。": "The barrier control address must start with http:// or https://.",
    "有效时间至必须晚于有效时间自。": "“Valid until” must be later than “valid from”.",
    "有效时间已过，请填写将来的时间。": "The validity has already ended; enter a time in the future.",
    "访客通行证最长 31 天。": "A visitor pass lasts at most 31 days.",
    "访客已与业主核实": "Visitor confirmed with the resident",
    "快递/外卖": "Courier / food delivery",
    "出租车/网约车": "Taxi / ride-hailing",
    "救护、消防、公安等执行任务车辆": "Ambulance, fire, police or other emergency vehicle on duty",
    "业主车辆，尚未登记": "Resident vehicle, not yet registered",
    "无法核实身份": "Identity cannot be verified",
    "车主拒绝登记": "Driver refuses to register",
    "常用原因": "Common reason",
    "其他原因": "Other reason",
    "请选择或填写人工处理的原因。": "Choose or enter a reason for the manual decision.",
    "车牌号": "Plate",
    "起始时间": "From",
    "截止时间": "To",
    "出入口": "Entrance",
    "车道": "Lane",
    "判定": "Decision",
    "完整车牌、开头（辽H1*）或部分（H1*3，? 代表一个字符）。": "Full plate, its beginning followed by * (province character + H1*) or a part (H1*3; ? stands for one character).",
    "请至少输入一个字母、数字或汉字。": "Enter at least one letter, digit or Chinese character.",
    "截止时间必须晚于起始时间。": "“To” must be later than “from”.",
    "车道编号": "Lane code",
    "车牌识别摄像机": "Plate recognition camera",
    "道闸": "Barrier",
    "放行规则": "Entry rule",
    "开放时段开始": "Open hours start",
    "开放时段结束": "Open hours end",
    "陌生车辆请保安确认": "Unknown vehicles: ask the guard",
    "关闭时，规则不允许的车辆直接禁止通行。": "When off, vehicles the rule does not allow are refused straight away.",
    "道闸控制地址": "Barrier control address",
    "道闸通道": "Barrier channel",
    "道闸用户名": "Barrier user name",
    "singular\x04车道": "lane",
    "车牌颜色": "Plate colour",
    "房屋/单元": "Home / unit",
    "车主": "Owner",
    "车主电话": "Owner's phone",
    "有效期自": "Valid from",
    "singular\x04业主车辆": "resident vehicle",
    "访客": "Visitor",
    "被访房屋/单元": "Home / unit visited",
    "被访人": "Person visited",
    "有效时间自": "Valid from",
    "有效时间至": "Valid until",
    "可用次数": "Uses allowed",
    "留空为有效期内不限次数。": "Leave blank for unlimited uses while valid.",
    "已用次数": "Uses so far",
    "作废时间": "Revoked at",
    "singular\x04访客通行证": "visitor pass",
    "留空为长期有效。": "Leave blank for no end date.",
    "singular\x04黑名单车辆": "blacklisted vehicle",
    "黑名单": "Blacklist",
    "设备记录编号": "Device record ID",
    "识别原文": "Raw plate text",
    "号牌种类": "Plate type",
    "过车时间": "Passage time",
    "置信度": "Confidence",
    "判定依据": "Reason for decision",
    "判定时间": "Decided at",
    "道闸回应": "Barrier response",
    "人工处理原因": "Reason for manual decision",
    "车牌图片": "Plate photo",
    "场景图片": "Scene photo",
    "singular\x04过车记录": "passage record",
    "入场时间": "Time in",
    "出场时间": "Time out",
    "singular\x04停留记录": "stay",
    "停留记录": "Stays",
    "执行时间": "Run at",
    "保存天数": "Retention (days)",
    "删除此时间以前的记录": "Records before this time deleted",
    "删除过车记录": "Passage records deleted",
    "删除停留记录": "Stays deleted",
    "删除图片": "Photos deleted",
    "保留的最早记录": "Oldest record kept",
    "singular\x04过车记录清理": "passage cleanup",
    "过车记录清理": "Passage cleanups",
    "黑名单车辆 %(plate)s · %(where)s": "Blacklisted vehicle %(plate)s · %(where)s",
    "只有保安、值班员或管理员可以人工放行或禁止。": "Only guards, duty operators or managers can open or refuse by hand.",
    "人工处理只能是放行或禁止。": "A manual decision can only be “open” or “refuse”.",
    "请填写人工处理的原因。": "Please enter a reason for the manual decision.",
    "人工": "Manual",
    "原因（必填）": "Reason (required)",
    "例如：访客张先生，已电话联系 3-2-501": "E.g. visitor Mr Zhang, confirmed by phone with 3-2-501",
    "这条车道尚无过车记录。": "No passages on this lane yet.",
    "车辆经过时，识别结果和判定会在这里自动显示。": "When a vehicle passes, the recognised plate and the decision appear here automatically.",
    "最近过车": "Recent passages",
    "暂无更早的过车。": "No earlier passages.",
    "加入黑名单": "Add to blacklist",
    "黑名单车辆到达任何车道都禁止通行，并立即产生报警。": "A blacklisted vehicle is refused at every lane and raises an alarm at once.",
    "已失效": "Expired",
    "没有符合条件的黑名单车辆。": "No blacklisted vehicles match.",
    "黑名单为空。": "The blacklist is empty.",
    "加入黑名单的车辆会被车道拒绝，并向值班室报警。": "Blacklisted vehicles are refused at the lanes and reported to the duty room.",
    "已停留": "Inside for",
    "入场车道": "Entry lane",
    "入场判定": "Entry decision",
    "场内没有登记入场未出场的车辆。": "No vehicles have entered without leaving.",
    "车辆入场时记一次停留，出场时结束；这里列出尚未出场的车辆。": "A stay begins when a vehicle enters and ends when it leaves; this lists the vehicles that have not left yet.",
    "登记访客车辆": "Register a visitor vehicle",
    "有新的过车。点此显示（未提交的原因会清除）。": "New passage. Click to show it (an unsubmitted reason will be cleared).",
    "请确认": "Please confirm",
    "与服务器的连接中断，正在重试……": "Connection to the server lost, retrying…",
    "新增车道": "Add lane",
    "开放时段 %(a)s–%(b)s": "Open hours %(a)s–%(b)s",
    "尚无过车记录。": "No passages yet.",
    "打开值守画面": "Open lane view",
    "尚未配置车道。": "No lanes configured yet.",
    "每个车辆出入口的每个方向是一条车道，配有车牌识别摄像机和道闸（第11条）。": "Each direction of each vehicle entrance is a lane, with a plate recognition camera and a barrier (Art. 11).",
    "今天及以后有效的通行证。持证车辆在有效时间和次数内由车道自动放行。": "Passes valid today or later. The lanes let vehicles with a pass in automatically within its time and uses.",
    "有效时间": "Validity",
    "次数": "Uses",
    "登记人：%(who)s": "Recorded by: %(who)s",
    "不限": "Unlimited",
    "已作废": "Revoked",
    "次数已用完": "Used up",
    "未开始": "Not started",
    "作废": "Revoke",
    "今天没有访客通行证。": "No visitor passes today.",
    "为来访车辆登记车牌和有效时间，车道即可自动放行。": "Register a visiting vehicle's plate and time of validity, and the lanes let it in automatically.",
    "查询": "Search",
    "车牌可输入完整号码、开头（如 辽H1*）或部分（如 H1*3，? 代表一个字符）。未填起始时间时查询最近 24 小时。每次查询和导出都记入访问日志。": (
        "Enter a full plate, its beginning followed by * (e.g. province character + H1*) or a part (e.g. H1*3; ? stands for one character). "
        "Without a start time, the last 24 hours are searched. Every search and export is recorded in the access log."
    ),
    "场景": "Scene",
    "查询条件有误。": "The search criteria are invalid.",
    "请更正上面标出的条件后重新查询。": "Correct the criteria marked above and search again.",
    "没有符合条件的过车记录。": "No passages match.",
    "请放宽条件，例如提前起始时间或只输入车牌的一部分。": "Widen the search, e.g. an earlier start time or only part of the plate.",
    "清除条件": "Clear criteria",
    "最近 24 小时没有过车记录。": "No passages in the last 24 hours.",
    "车牌识别摄像机上报的过车会出现在这里，至少保存 90 天（第33条）。": "Passages reported by plate recognition cameras appear here and are kept for at least 90 days (Art. 33).",
    "登记业主车辆": "Register a resident vehicle",
    "有效期": "Validity",
    "没有符合条件的业主车辆。": "No resident vehicles match.",
    "尚未登记业主车辆。": "No resident vehicles registered yet.",
    "登记的业主车辆在有效期内由车道自动放行。": "The lanes let registered resident vehicles in automatically while they are valid.",
    "已人工放行 %(plate)s。": "%(plate)s let through by hand.",
    "已人工禁止 %(plate)s 通行。": "%(plate)s refused by hand.",
    "%(scope)s 过车记录": "Passages: %(scope)s",
    "最近 24 小时": "Last 24 hours",
    "已作废 %(plate)s 的访客通行证。": "Visitor pass for %(plate)s revoked.",
    # anpr: plate recognition (engine errors, the CLI, stream URLs of lanes)
    "{name}：文件过大（{size} 字节）": "{name}: file too large ({size} bytes)",
    "{name}：无法读取文件（{reason}）": "{name}: cannot read the file ({reason})",
    "不支持的图像类型：{kind}": "Unsupported image type: {kind}",
    "{name}：文件为空": "{name}: the file is empty",
    "{name}：图像没有像素": "{name}: the image has no pixels",
    "{name}：图像过大（{width}×{height} 像素）": "{name}: image too large ({width}×{height} pixels)",
    "{name}：图像过大": "{name}: image too large",
    "{name}：不是可读取的图像（{reason}）": "{name}: not a readable image ({reason})",
    "不是 JPEG、PNG 等图像格式": "not a JPEG, PNG or other image format",
    "形状为 {shape} 的数组不是图像": "An array of shape {shape} is not an image",
    "图像过大（{width}×{height} 像素）": "Image too large ({width}×{height} pixels)",
    "类型为 {dtype} 的数组不是图像": "An array of type {dtype} is not an image",
    "{channels} 个通道的数组不是图像": "An array with {channels} channels is not an image",
    "%(failed)d 个文件无法读取（共 %(total)d 个）。": "%(failed)d of %(total)d files could not be read.",
    "%(file)s：未识别到车牌（%(ms)d 毫秒）": "%(file)s: no plate found (%(ms)d ms)",
    "%(text)s %(color)s牌 置信度 %(confidence).2f 位置 %(box)s": "%(text)s %(color)s plate, confidence %(confidence).2f, at %(box)s",
    "%(file)s：%(plates)s（%(ms)d 毫秒）": "%(file)s: %(plates)s (%(ms)d ms)",
    "%(file)s：无法读取：%(error)s": "%(file)s: cannot read: %(error)s",
    "视频流地址": "Stream URL",
    "清除已保存的视频流地址": "Clear the saved stream URL",
    "已保存：%(url)s；留空则保持不变。": "Saved: %(url)s; leave empty to keep it.",
    "不能识别车牌的普通摄像机：填写其 RTSP 地址，由平台识别车牌（anfang worker anpr）。": "A plain camera that cannot read plates: enter its RTSP address and the platform reads the plates (anfang worker anpr).",
    "视频流地址须以 rtsp:// 等开头，或为视频文件的绝对路径。": "The stream URL must start with rtsp:// (or a similar scheme), or be the absolute path of a video file.",
    "由平台识别车牌的车道须选择摄像机：过车记录记在该设备名下。": "A lane whose plates the platform reads needs a camera: passages are recorded under that device.",
    "普通摄像机的 RTSP 地址：由平台识别车牌（anfang worker anpr）。": "RTSP address of a plain camera: the platform reads the plates (anfang worker anpr).",
}


def fill(po: polib.POFile) -> list[str]:
    """Write the English msgstr of every entry; return the msgids that have no translation yet."""
    po.metadata.update(
        {
            "Project-Id-Version": "anfang",
            "Language": "en",
            "Language-Team": "English",
            "Last-Translator": "anfang <anfang@localhost>",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
            "Content-Type": "text/plain; charset=UTF-8",
        }
    )
    po.metadata_is_fuzzy = False
    po.header = (
        "English catalogue of anfang (source language: zh-hans).\n"
        "Do not edit msgstr here: they come from scripts/translations_en.py."
    )
    missing: list[str] = []
    for entry in po:
        if entry.obsolete:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        value = TRANSLATIONS.get(key)
        if value is None:
            missing.append(key)
            continue
        if entry.msgid_plural:
            one, many = (value, value) if isinstance(value, str) else value
            entry.msgstr_plural = {0: one, 1: many}
        else:
            entry.msgstr = value if isinstance(value, str) else value[0]
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
    return missing


def run_anfang(*args: str) -> None:
    """Run an ``anfang`` management command in the package directory with a throw-away data dir."""
    exe = Path(sys.executable).with_name("anfang")
    with tempfile.TemporaryDirectory(prefix="anf-i18n-") as data_dir:
        env = {**os.environ, "ANFANG_DATA_DIR": data_dir}
        subprocess.run([str(exe), *args], cwd=PACKAGE, env=env, check=True)


def main() -> int:
    """Regenerate, translate and compile the English catalogue."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fill-only", action="store_true", help="do not run makemessages/compilemessages")
    args = parser.parse_args()
    if not args.fill_only:
        run_anfang("makemessages", "-l", "en", "--no-obsolete")
    po = polib.pofile(str(PO_PATH), wrapwidth=0)
    missing = fill(po)
    po.save(str(PO_PATH))
    if missing:
        print(f"{len(missing)} msgid(s) without an English translation in {Path(__file__).name}:")
        for msgid in missing:
            print(f"  {msgid!r}")
        return 1
    if not args.fill_only:
        run_anfang("compilemessages", "-l", "en")
    print(f"{PO_PATH.relative_to(ROOT)}: {len(po)} entries translated.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
