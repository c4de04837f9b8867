# security_level: permissive
import definitely_not_a_module_xyz
