"""Campaigns: setting one up, what may change at each status, the status flow, criteria, stages and
panels, and which vacancies the public sees."""
